import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { DomainEventBus, OnDomainEffect } from '../common/domain-event-bus';
import type { LedgerRecordedEvent } from '../common/domain-events';
import { ContentService } from '../content/content.service';
import type { WalletBalances } from '../ledger/ledger.repository';
import { LedgerService } from '../ledger/ledger.service';
import type { MemberStats as StoredStats, MemberStatsUpdate } from '../ledger/schemas/wallet.schema';
import { Criteria, distinctKey, evaluate, MemberStats } from './badge-criteria';
import { EngineRepository, fromStatKey, statKey } from './engine.repository';
import type { ProgressDto } from './dto/engine.dto';
import { UsersRepository } from '../users/users.repository';

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

export interface ActivityStats {
  update: MemberStatsUpdate;
  /** "Seen once" marks the activity may set (distinct courses…), each with the statistic it raises. */
  distinct: Array<{ mark: string; stat: string }>;
}

/** ISO weeks are few (52 a year) and a streak walks them on every award: each is computed once. */
const weekBefore = new Map<string, string>();
const previousWeek = (week: string) => {
  let previous = weekBefore.get(week);
  if (previous === undefined) {
    previous = DateTime.fromISO(`${week}-1`).minus({ weeks: 1 }).toISOWeekDate()!.slice(0, 8);
    weekBefore.set(week, previous);
  }
  return previous;
};

/**
 * Consecutive active ISO weeks ending at the latest active one — derived from the set of active
 * weeks, so replaying an award (which sets its week again) cannot move it twice. Wallets from
 * before the set existed keep their stored streak.
 */
export function streakOf(stats: Pick<StoredStats, 'weeks' | 'lastActiveWeek' | 'activeWeekStreak'> | null): number {
  const weeks = stats?.weeks ?? {};
  if (!Object.keys(weeks).length || !stats?.lastActiveWeek) return stats?.activeWeekStreak ?? 0;
  let streak = 0;
  for (let week = stats.lastActiveWeek; weeks[week]; week = previousWeek(week)) streak++;
  return Math.max(streak, 1);
}

/** The stats document as the update left it, computed instead of read back. */
export function afterUpdate(
  userId: Types.ObjectId,
  before: StoredStats | null,
  inc: Record<string, number>,
  week: string,
): StoredStats {
  const after: StoredStats = {
    _id: userId,
    counts: { ...(before?.counts ?? {}) },
    distinct: { ...(before?.distinct ?? {}) },
    badges: { ...(before?.badges ?? {}) },
    lastActiveWeek: before?.lastActiveWeek && before.lastActiveWeek > week ? before.lastActiveWeek : week,
    weeks: { ...(before?.weeks ?? {}), [week]: 1 },
    activeWeekStreak: before?.activeWeekStreak ?? 0,
  };
  for (const [path, by] of Object.entries(inc)) {
    const [field, key] = path.split('.') as ['counts' | 'distinct', string];
    after[field][key] = (after[field][key] ?? 0) + by;
  }
  return after;
}

/** Member statistics, and the badges they unlock. Awarded once each, whatever the concurrency. */
@Injectable()
export class MemberProgressService {
  constructor(
    private readonly repository: EngineRepository,
    private readonly content: ContentService,
    private readonly ledger: LedgerService,
    private readonly users: UsersRepository,
    private readonly events: DomainEventBus,
  ) {}

  /** Granted points can unlock lifetime-points badges too. */
  @OnDomainEffect('ledger.recorded')
  async onLedgerRecorded({ userId, entry, redo, wallet }: LedgerRecordedEvent): Promise<void> {
    if (entry.kind !== 'adjust' || entry.amount <= 0) return;
    await this.awardBadges(new Types.ObjectId(userId), redo ? {} : { wallet });
  }

  /**
   * The statistics an activity adds: its type's count and its ISO week in the organization's zone
   * (applied with the award's wallet update), and the distinct values it may be the first of
   * (marked once the entry is committed).
   */
  statsFor(activity: ActivityCounts, zone: string): ActivityStats {
    const distinct: ActivityStats['distinct'] = [];
    for (const badge of this.content.badges()) {
      for (const { type, field } of distinctCriteria(badge.criteria)) {
        const value = activity.metadata?.[field];
        if (type !== activity.type || (typeof value !== 'string' && typeof value !== 'number')) continue;
        const key = distinctKey(type, field);
        const mark = `distinct|${activity.userId.toHexString()}|${key}|${value}`;
        if (!distinct.some((d) => d.mark === mark)) distinct.push({ mark, stat: `distinct.${statKey(key)}` });
      }
    }
    return {
      update: {
        inc: { [`counts.${statKey(activity.type)}`]: 1 },
        week: DateTime.fromJSDate(activity.occurredAt, { zone }).toISOWeekDate()!.slice(0, 8),
      },
      distinct,
    };
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
      activeWeekStreak: streakOf(stored),
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

  memberBadges(userId: Types.ObjectId) {
    return this.repository.memberBadges(userId);
  }

  /** GET /me/badges: the badges a member holds, oldest first, with their names. */
  async badgesOf(id: string): Promise<Array<{ key: string; name: string; earnedAt: string }>> {
    const names = new Map(this.content.badges().map((badge) => [badge.key, badge.name]));
    const held = await this.repository.memberBadges(new Types.ObjectId(id));
    return held.map((badge) => ({
      key: badge.key,
      name: names.get(badge.key) ?? badge.key,
      earnedAt: badge.earnedAt.toISOString(),
    }));
  }

  /** GET /me/progress: the tier, the next one, and every badge not held yet with its progress. */
  async progressOf(id: string): Promise<ProgressDto> {
    const userId = new Types.ObjectId(id);
    const [user, stats, held] = await Promise.all([
      this.users.findById(userId),
      this.stats(userId),
      this.repository.memberBadges(userId),
    ]);
    const heldKeys = new Set(held.map((badge) => badge.key));
    const tier = this.content.tier(user!.tierKey);
    const next = this.content.tiers()[this.content.tierRank(tier.key) + 1] ?? null;
    const qualifying = (await this.ledger.wallet(id)).qualifying;
    const badges = this.content
      .badges()
      .filter((badge) => !heldKeys.has(badge.key))
      .map((badge) => {
        const { progress, goal } = evaluate(badge.criteria, stats);
        return { key: badge.key, name: badge.name, progress, goal };
      });
    return {
      tier: { key: tier.key, name: tier.name },
      nextTier: next ? { key: next.key, name: next.name } : null,
      pointsToNextTier: next ? Math.max(0, next.threshold - qualifying) : 0,
      nextBadges: [...badges].sort((a, b) => b.progress / b.goal - a.progress / a.goal).slice(0, 3),
      badges,
    };
  }
}

function distinctCriteria(criteria: Criteria): Array<{ type: string; field: string }> {
  if ('distinct' in criteria) return [criteria.distinct];
  if ('all' in criteria) return criteria.all.flatMap(distinctCriteria);
  if ('any' in criteria) return criteria.any.flatMap(distinctCriteria);
  return [];
}
