import { BadRequestException, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { DomainEventBus, OnDomainEffect } from '../common/domain-event-bus';
import type { LedgerRecordedEvent } from '../common/domain-events';
import { isStaff, type Principal } from '../common/roles';
import { TtlCache } from '../common/ttl-cache';
import { HubConfig } from '../config/hub-config';
import { MemberCache } from '../engine/member-cache';
import { OrganizationsService } from '../organizations/organizations.service';
import { UsersRepository } from '../users/users.repository';
import type { LeaderboardDto, LeaderboardItemDto, LeaderboardQueryDto, Scope } from './dto/leaderboard.dto';
import { BucketIncrement, LEADERBOARD_STORE, LeaderboardStore, rankItems } from './leaderboard-store';
import { Period, periodAt, PERIODS } from './periods';

export const ANONYMOUS = 'Anonymous member';

/**
 * Which ledger entries move boards: earned points and adjustments (a correction may lower a
 * score). Spending (redeem), refunds of spending and expiry never do: spending is not losing.
 */
export const BOARD_KINDS = ['earn', 'adjust'];

export interface BoardEntry {
  userId: string;
  organizationId: string;
  teamId: string | null;
  occurredAt: Date;
  points: number;
  /** The organization's zone, and the program's (for the organization board). */
  zone: string;
  programZone: string;
}

/** The buckets one ledger entry moves: three boards × week, month and all time. */
export function boardIncrements(entry: BoardEntry): BucketIncrement[] {
  const changes: BucketIncrement[] = [];
  for (const period of PERIODS) {
    const local = periodAt(period, entry.occurredAt, entry.zone).key;
    const { userId, organizationId, teamId, points } = entry;
    changes.push({ board: `individual:${organizationId}`, period: local, subjectId: userId, points });
    if (teamId) changes.push({ board: `team:${organizationId}`, period: local, subjectId: teamId, points });
    const program = periodAt(period, entry.occurredAt, entry.programZone).key;
    changes.push({ board: 'organization', period: program, subjectId: organizationId, points });
  }
  return changes;
}

/** Individual, team and organization boards by week, month and all time. */
type SubjectKind = 'user' | 'team' | 'organization';
interface Subject {
  name: string;
  visible: boolean;
  teamId: string | null;
}
const NAME_TTL_MS = 10_000;

@Injectable()
export class LeaderboardsService {
  private readonly nameCache = new TtlCache<string, Subject>(NAME_TTL_MS, 50_000);

  constructor(
    @Inject(LEADERBOARD_STORE) private readonly store: LeaderboardStore,
    private readonly members: MemberCache,
    private readonly users: UsersRepository,
    private readonly organizations: OrganizationsService,
    private readonly config: HubConfig,
    private readonly events: DomainEventBus,
  ) {}

  /** Moves the boards once per ledger entry (the entry's id guards the store's increments). */
  @OnDomainEffect('ledger.recorded')
  async onLedgerRecorded({
    userId,
    organizationId,
    occurredAt,
    entry,
    redo,
    defer,
  }: LedgerRecordedEvent): Promise<void> {
    if (!BOARD_KINDS.includes(entry.kind) || entry.amount === 0 || !organizationId) return;
    const member = await this.members.get(new Types.ObjectId(userId));
    const zone = await this.zoneOf(organizationId);
    const changes = boardIncrements({
      userId,
      organizationId,
      teamId: member?.teamId?.toHexString() ?? null,
      occurredAt,
      points: entry.amount,
      zone,
      programZone: this.config.PROGRAM_TIMEZONE,
    });
    const boards = [
      `individual:${organizationId}`,
      'organization',
      ...(member?.teamId ? [`team:${organizationId}`] : []),
    ];
    const applied = this.store
      .apply(entry.id, changes, redo)
      .then(() => this.events.publish('leaderboard.changed', { boards }));
    // A store that batches (MongoDB buckets) lands a moment later; reads wait for it.
    if (this.store.batchesWrites) defer(applied);
    else await applied;
  }

  /** The board a caller may read for this scope (throws 400/403 like the GET). */
  resolve(caller: Principal, scope: Scope, organizationId?: string): { board: string; organizationId: string | null } {
    const boardOrganization = this.boardOrganization(caller, scope, organizationId);
    return {
      board: boardOrganization ? `${scope}:${boardOrganization}` : 'organization',
      organizationId: boardOrganization,
    };
  }

  /** A board's current top N with names, as pushed to subscribers. */
  async topItems(board: string, period: Period, limit = 10, now = new Date()): Promise<LeaderboardItemDto[]> {
    const [scope, organizationId] = board.split(':') as [Scope, string | undefined];
    const zone = organizationId ? await this.zoneOf(organizationId) : this.config.PROGRAM_TIMEZONE;
    const top = await this.store.top(board, periodAt(period, now, zone).key, limit);
    const names = await this.names(
      scope,
      top.map((row) => row.subjectId),
    );
    return rankItems(top).map((row) => ({
      rank: row.rank,
      id: row.subjectId,
      points: row.points,
      ...names(row.subjectId),
    }));
  }

  async read(caller: Principal, query: LeaderboardQueryDto, now = new Date()): Promise<LeaderboardDto> {
    const { board, organizationId } = this.resolve(caller, query.scope, query.organizationId);
    const zone = organizationId ? await this.zoneOf(organizationId) : this.config.PROGRAM_TIMEZONE;
    const window = periodAt(query.period, now, zone);
    const items = await this.topItems(board, query.period, query.limit ?? 10, now);
    const mySubject = this.mySubject(caller, query.scope, organizationId);
    return {
      scope: query.scope,
      period: query.period,
      organizationId,
      start: window.start?.toUTC().toISO() ?? null,
      end: window.end?.toUTC().toISO() ?? null,
      timezone: zone,
      items,
      me: mySubject ? await this.store.standing(board, window.key, mySubject) : null,
    };
  }

  /** Individual and team boards belong to one organization: mine, or (staff) any. */
  private boardOrganization(caller: Principal, scope: Scope, requested?: string): string | null {
    if (scope === 'organization') return null;
    const organizationId = requested ?? caller.organizationId;
    if (!organizationId) throw new BadRequestException('organizationId is required for individual and team boards');
    if (!isStaff(caller) && organizationId !== caller.organizationId) {
      throw new ForbiddenException('You can read the boards of your own organization');
    }
    return organizationId;
  }

  private mySubject(caller: Principal, scope: Scope, organizationId: string | null): string | null {
    if (scope === 'organization') return caller.organizationId;
    if (caller.organizationId !== organizationId) return null;
    return scope === 'individual' ? caller.id : caller.teamId;
  }

  private async names(
    scope: Scope,
    ids: string[],
  ): Promise<(id: string) => Pick<LeaderboardItemDto, 'name' | 'teamName'>> {
    const kind = scope === 'individual' ? 'user' : scope === 'team' ? 'team' : 'organization';
    const subjects = await this.subjects(kind, ids);
    if (scope !== 'individual') return (id) => ({ name: subjects.get(id)?.name ?? '' });
    const teams = await this.subjects(
      'team',
      [...subjects.values()].flatMap((s) => (s.teamId ? [s.teamId] : [])),
    );
    return (id) => {
      const person = subjects.get(id);
      return {
        name: person?.visible ? person.name : ANONYMOUS,
        teamName: person?.teamId ? (teams.get(person.teamId)?.name ?? null) : null,
      };
    };
  }

  /**
   * Names for a page of a board, from a short-lived cache, else one `_id` look-up each: FerretDB
   * serves `_id` look-ups from SQLite but scans the whole collection for `_id: {$in: …}` (measured:
   * seconds per request with 20,000 members). A renamed member or a changed opt-out shows within
   * NAME_TTL_MS.
   */
  private async subjects(kind: SubjectKind, ids: string[]): Promise<Map<string, Subject>> {
    const found = new Map<string, Subject>();
    const missing = [...new Set(ids)].filter((id) => {
      const cached = this.nameCache.get(`${kind}:${id}`);
      if (cached) found.set(id, cached);
      return !cached;
    });
    const loaded = await Promise.all(missing.map((id) => this.loadSubject(kind, new Types.ObjectId(id))));
    missing.forEach((id, index) => {
      const subject = loaded[index] ?? { name: '', visible: false, teamId: null };
      this.nameCache.set(`${kind}:${id}`, subject);
      found.set(id, subject);
    });
    return found;
  }

  private async loadSubject(kind: SubjectKind, id: Types.ObjectId): Promise<Subject | null> {
    if (kind === 'user') {
      const user = await this.users.findById(id);
      return user
        ? { name: user.displayName, visible: user.leaderboardOptIn, teamId: user.teamId?.toHexString() ?? null }
        : null;
    }
    const name =
      kind === 'team' ? await this.organizations.teamName(id) : await this.organizations.organizationName(id);
    return name === null ? null : { name, visible: true, teamId: null };
  }

  private zoneOf(organizationId: string): Promise<string> {
    return this.organizations.zoneOf(organizationId);
  }
}
