import { Injectable, Logger } from '@nestjs/common';
import { Readable, pipeline, type Transform } from 'node:stream';
import { Types } from 'mongoose';
import { csvStringifier, type Column } from '../campaigns/csv';
import type { Principal } from '../common/roles';
import { ContentService } from '../content/content.service';
import { statKey } from '../engine/engine.repository';
import { LedgerService } from '../ledger/ledger.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { UsersRepository, type UserRecord } from '../users/users.repository';
import { AnalyticsRepository } from './analytics.repository';
import { AnalyticsService, resolveRange, type Range } from './analytics.service';
import type { AnalyticsQueryDto } from './dto/analytics.dto';

/** Members read, and their figures looked up, together. */
const BATCH = 200;

export const MEMBER_COLUMNS: Column[] = [
  { key: 'name', header: 'name' },
  { key: 'email', header: 'email' },
  { key: 'organization', header: 'organization' },
  { key: 'team', header: 'team' },
  { key: 'tier', header: 'tier' },
  { key: 'pointsEarned', header: 'points_earned' },
  { key: 'pointsRedeemed', header: 'points_redeemed' },
  { key: 'balance', header: 'balance' },
  { key: 'lessons', header: 'lessons' },
  { key: 'courses', header: 'courses' },
  { key: 'eventsAttended', header: 'events_attended' },
  { key: 'responses', header: 'responses' },
  { key: 'redemptions', header: 'redemptions' },
  { key: 'activeDays', header: 'active_days_in_range' },
  { key: 'lastActive', header: 'last_active' },
];

/**
 * The member export: one row per member, streamed — users are read a page at a time in `_id`
 * order, each page's figures looked up by `_id` (wallet, statistics, analytics member document),
 * and the CSV stringifier (the campaigns' one: RFC 4180, BOM, formula cells defused) drains into
 * the response with backpressure. Figures are to date (points, counts, last active day); the range
 * chooses `active_days_in_range`.
 */
@Injectable()
export class AnalyticsExportService {
  private readonly logger = new Logger(AnalyticsExportService.name);

  constructor(
    private readonly analytics: AnalyticsService,
    private readonly repository: AnalyticsRepository,
    private readonly users: UsersRepository,
    private readonly ledger: LedgerService,
    private readonly organizations: OrganizationsService,
    private readonly content: ContentService,
  ) {}

  async export(caller: Principal, query: AnalyticsQueryDto): Promise<{ filename: string; stream: Transform }> {
    const organizationId = await this.analytics.scopeOf(caller, query.organizationId);
    const range = resolveRange(query, await this.analytics.zoneOf(organizationId));
    const stringifier = csvStringifier(MEMBER_COLUMNS);
    const rows = Readable.from(this.rows(organizationId, range), { objectMode: true, highWaterMark: BATCH });
    pipeline(rows, stringifier, (error) => {
      if (error) this.logger.warn(`Member export stopped: ${error.message}`);
    });
    const name = organizationId
      ? ((await this.organizations.organizationName(new Types.ObjectId(organizationId))) ?? organizationId)
      : 'program';
    return { filename: `members-${slug(name)}-${range.from}-${range.to}.csv`, stream: stringifier };
  }

  private async *rows(organizationId: string | null, range: Range): AsyncGenerator<Record<string, string | number>> {
    const filter: Record<string, unknown> = { roles: 'member' };
    if (organizationId) filter.organizationId = new Types.ObjectId(organizationId);
    const names = new Map<string, string>();
    let after: Types.ObjectId | undefined;
    for (;;) {
      const page = await this.users.listMatching(filter, BATCH, after);
      if (!page.length) return;
      yield* await this.rowsOf(page, range, names);
      after = page[page.length - 1]._id;
    }
  }

  private async rowsOf(page: UserRecord[], range: Range, names: Map<string, string>) {
    const ids = page.map((user) => user._id.toHexString());
    const [wallets, stats, members] = await Promise.all([
      Promise.all(ids.map((id) => this.ledger.wallet(id))),
      Promise.all(page.map((user) => this.ledger.memberStats(user._id))),
      this.repository.membersById(ids),
    ]);
    const tiers = new Map(this.content.tiers().map((tier) => [tier.key, tier.name]));
    const rows: Array<Record<string, string | number>> = [];
    for (const [index, user] of page.entries()) {
      const counts = stats[index]?.counts ?? {};
      const count = (type: string) => counts[statKey(type)] ?? 0;
      const member = members[index];
      const days = member?.days?.length ? member.days : (member?.pdays ?? []);
      rows.push({
        name: user.displayName,
        email: user.email,
        organization: await this.nameOf(names, 'organization', user.organizationId),
        team: await this.nameOf(names, 'team', user.teamId),
        tier: tiers.get(user.tierKey) ?? user.tierKey,
        pointsEarned: wallets[index].lifetime,
        pointsRedeemed: stats[index]?.pointsRedeemed ?? 0,
        balance: wallets[index].balance,
        lessons: count('lesson.completed'),
        courses: count('course.completed'),
        eventsAttended: count('event.attended'),
        responses: count('feedback.submitted'),
        redemptions: stats[index]?.redemptions ?? 0,
        activeDays: days.filter((day) => day >= range.from && day <= range.to).length,
        lastActive: days.length ? days[days.length - 1] : '',
      });
    }
    return rows;
  }

  private async nameOf(names: Map<string, string>, kind: 'organization' | 'team', id: Types.ObjectId | null) {
    if (!id) return '';
    const key = `${kind}:${id.toHexString()}`;
    if (!names.has(key)) {
      const name =
        kind === 'team' ? await this.organizations.teamName(id) : await this.organizations.organizationName(id);
      names.set(key, name ?? '');
    }
    return names.get(key)!;
  }
}

function slug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/\s+/g, '-')
      .toLowerCase()
      .slice(0, 40) || 'organization'
  );
}
