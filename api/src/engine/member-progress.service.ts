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
import type { Activity } from './schemas/activity.schema';

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

  /** Counts the activity into the member's statistics (callers hold the member's engine lock). */
  async count(activity: Activity, zone: string): Promise<void> {
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
    const stats = await this.repository.memberStats(activity.userId);
    const week = DateTime.fromJSDate(activity.occurredAt, { zone }).toISOWeekDate()!.slice(0, 8);
    const streak = nextStreak(stats?.lastActiveWeek ?? null, stats?.activeWeekStreak ?? 0, week);
    const latest = !stats?.lastActiveWeek || week >= stats.lastActiveWeek ? week : stats.lastActiveWeek;
    await this.repository.updateMemberStats(activity.userId, inc, { lastActiveWeek: latest, activeWeekStreak: streak });
  }

  async stats(userId: Types.ObjectId): Promise<MemberStats> {
    const [stored, wallet] = await Promise.all([
      this.repository.memberStats(userId),
      this.ledger.wallet(userId.toHexString()),
    ]);
    const decode = (record: Record<string, number> = {}) =>
      Object.fromEntries(Object.entries(record).map(([key, value]) => [fromStatKey(key), value]));
    return {
      counts: decode(stored?.counts),
      distinct: decode(stored?.distinct),
      lifetime: wallet.lifetime,
      activeWeekStreak: stored?.activeWeekStreak ?? 0,
    };
  }

  /** Awards every badge whose criteria are now met and that the member does not hold yet. */
  async awardBadges(userId: Types.ObjectId): Promise<void> {
    const held = new Set((await this.repository.memberBadges(userId)).map((badge) => badge.key));
    const candidates = this.content.badges().filter((badge) => !held.has(badge.key));
    if (!candidates.length) return;
    const stats = await this.stats(userId);
    for (const badge of candidates) {
      if (!evaluate(badge.criteria, stats).met) continue;
      if (!(await this.repository.awardBadge(userId, badge.key))) continue;
      await this.events.publish('badge.earned', {
        userId: userId.toHexString(),
        key: badge.key,
        name: badge.name,
        description: badge.description,
      });
    }
  }

  /** Grants a named badge (a challenge's reward) unless the member holds it already. */
  async grantBadge(userId: Types.ObjectId, key: string): Promise<void> {
    const badge = this.content.badges().find((b) => b.key === key);
    if (!badge || !(await this.repository.awardBadge(userId, key))) return;
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
