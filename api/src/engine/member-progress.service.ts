import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { DomainEventBus, OnDomainEvent } from '../common/domain-event-bus';
import type { LedgerRecordedEvent } from '../common/domain-events';
import { WriteSerializer } from '../database/write-serializer';
import { ContentService } from '../content/content.service';
import { LedgerService } from '../ledger/ledger.service';
import { Criteria, distinctKey, evaluate, MemberStats } from './badge-criteria';
import { EngineRepository, fromStatKey, statKey } from './engine.repository';
import type { WalletBalances } from '../ledger/ledger.repository';
import type { MemberStats as StoredStats, MemberStatsUpdate } from '../ledger/schemas/wallet.schema';

/** State the caller has just written, so it need not be read back. */
interface KnownState {
  stats?: StoredStats | null;
  wallet?: WalletBalances | null;
}

/** What an activity adds to the member's statistics (applied by the ledger in the award's update). */
export interface ActivityCounts {
  userId: Types.ObjectId;
  type: string;
  metadata: Record<string, string | number | boolean>;
  occurredAt: Date;
}

/** The stats document as the update left it, computed instead of read back. */
export function afterUpdate(
  userId: Types.ObjectId,
  before: StoredStats | null,
  inc: Record<string, number>,
  week: string,
  activeWeekStreak: number,
): StoredStats {
  const after: StoredStats = {
    _id: userId,
    counts: { ...(before?.counts ?? {}) },
    distinct: { ...(before?.distinct ?? {}) },
    badges: { ...(before?.badges ?? {}) },
    lastActiveWeek: before?.lastActiveWeek && before.lastActiveWeek > week ? before.lastActiveWeek : week,
    activeWeekStreak,
  };
  for (const [path, by] of Object.entries(inc)) {
    const [field, key] = path.split('.') as ['counts' | 'distinct', string];
    after[field][key] = (after[field][key] ?? 0) + by;
  }
  return after;
}

/** Consecutive-week streak after an activity in `week`, given the last active week. */
export function nextStreak(lastWeek: string | null, streak: number, week: string): number {
  if (lastWeek === week) return streak;
  if (!lastWeek) return 1;
  const previous = DateTime.fromISO(`${week}-1`).minus({ weeks: 1 }).toISOWeekDate()!.slice(0, 8);
  return previous === lastWeek ? streak + 1 : lastWeek > week ? streak : 1;
}

/** Member statistics, and the badges they unlock. Awarded once each, whatever the concurrency. */
@Injectable()
export class MemberProgressService {
  constructor(
    private readonly repository: EngineRepository,
    private readonly content: ContentService,
    private readonly ledger: LedgerService,
    private readonly events: DomainEventBus,
    private readonly serializer: WriteSerializer,
  ) {}

  /** Granted points can unlock lifetime-points badges too. */
  @OnDomainEvent('ledger.recorded')
  async onLedgerRecorded({ userId, entry }: LedgerRecordedEvent): Promise<void> {
    if (entry.kind !== 'adjust' || entry.amount <= 0) return;
    await this.serializer.run(`engine:${userId}`, () => this.awardBadges(new Types.ObjectId(userId)));
  }

  /**
   * The statistics an activity adds: its type's count, new distinct values (marked once each),
   * and its ISO week in the organization's zone. The ledger applies them with the award.
   */
  async countsFor(activity: ActivityCounts, zone: string): Promise<MemberStatsUpdate> {
    const inc: Record<string, number> = { [`counts.${statKey(activity.type)}`]: 1 };
    for (const badge of this.content.badges()) {
      for (const { type, field } of distinctCriteria(badge.criteria)) {
        const value = activity.metadata?.[field];
        if (type !== activity.type || (typeof value !== 'string' && typeof value !== 'number')) continue;
        const key = distinctKey(type, field);
        if (await this.repository.mark(`distinct|${activity.userId.toHexString()}|${key}|${value}`)) {
          inc[`distinct.${statKey(key)}`] = (inc[`distinct.${statKey(key)}`] ?? 0) + 1;
        }
      }
    }
    return { inc, week: DateTime.fromJSDate(activity.occurredAt, { zone }).toISOWeekDate()!.slice(0, 8) };
  }

  /** After the update: moves the streak if the week changed and returns the statistics as stored. */
  async settle(userId: Types.ObjectId, before: StoredStats | null, update: MemberStatsUpdate): Promise<StoredStats> {
    const streak = nextStreak(before?.lastActiveWeek ?? null, before?.activeWeekStreak ?? 0, update.week);
    if (streak !== (before?.activeWeekStreak ?? 0)) await this.ledger.setStreak(userId, streak);
    return afterUpdate(userId, before, update.inc, update.week, streak);
  }

  async stats(userId: Types.ObjectId, known: KnownState = {}): Promise<MemberStats & { held: Set<string> }> {
    const [stored, wallet] = await Promise.all([
      known.stats ?? this.ledger.memberStats(userId),
      known.wallet ?? this.ledger.wallet(userId.toHexString()),
    ]);
    const decode = (record: Record<string, number> = {}) =>
      Object.fromEntries(Object.entries(record).map(([key, value]) => [fromStatKey(key), value]));
    return {
      counts: decode(stored?.counts),
      distinct: decode(stored?.distinct),
      lifetime: wallet.lifetime,
      activeWeekStreak: stored?.activeWeekStreak ?? 0,
      held: new Set(Object.keys(stored?.badges ?? {})),
    };
  }

  /** Awards every badge whose criteria are now met and that the member does not hold yet. */
  async awardBadges(userId: Types.ObjectId, known: KnownState = {}): Promise<void> {
    const stats = await this.stats(userId, known);
    for (const badge of this.content.badges().filter((b) => !stats.held.has(b.key))) {
      if (evaluate(badge.criteria, stats).met) await this.grantBadge(userId, badge.key);
    }
  }

  /** Grants a named badge (a challenge's reward) unless the member holds it already. */
  async grantBadge(userId: Types.ObjectId, key: string): Promise<void> {
    const badge = this.content.badges().find((b) => b.key === key);
    if (!badge) return;
    const earnedAt = new Date();
    const awarded = await this.repository.awardBadge(userId, key, earnedAt);
    // The copy on the member's document is what the award path reads; writing it on a repeat
    // too heals a copy lost to a stop between the two writes.
    await this.ledger.noteBadge(userId, key, earnedAt);
    if (!awarded) return;
    await this.events.publish('badge.earned', {
      userId: userId.toHexString(),
      key,
      name: badge.name,
      description: badge.description,
    });
  }

  evaluate(criteria: Criteria, stats: MemberStats) {
    return evaluate(criteria, stats);
  }

  walletOf(userId: Types.ObjectId) {
    return this.ledger.wallet(userId.toHexString());
  }

  memberBadges(userId: Types.ObjectId) {
    return this.repository.memberBadges(userId);
  }
}

function distinctCriteria(criteria: Criteria): Array<{ type: string; field: string }> {
  if ('distinct' in criteria) return [criteria.distinct];
  if ('all' in criteria) return criteria.all.flatMap(distinctCriteria);
  if ('any' in criteria) return criteria.any.flatMap(distinctCriteria);
  return [];
}
