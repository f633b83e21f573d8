import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { Types } from 'mongoose';
import { isOutage } from '../common/database-errors';
import { DomainEventBus, OnDomainEffect } from '../common/domain-event-bus';
import type { LedgerAbandonedEvent, LedgerRecordedEvent } from '../common/domain-events';
import type { Principal } from '../common/roles';
import { ContentService } from '../content/content.service';
import type { RuleDto } from '../content/dto/rules-file.dto';
import { guardToken } from '../database/guards';
import { LedgerService, RecordResult } from '../ledger/ledger.service';
import { OrganizationsService } from '../organizations/organizations.service';
import type { UserRecord } from '../users/users.repository';
import { UsersRepository } from '../users/users.repository';
import type { RecordActivityDto } from './dto/engine.dto';
import { EngineRepository } from './engine.repository';
import { MemberCache } from './member-cache';
import { afterUpdate, MemberProgressService } from './member-progress.service';
import { capWindows, earnedPoints } from './rules';
import type { ActivityReporter, MetadataValue } from '../ledger/schemas/ledger-entry.schema';

export interface RecordActivityInput {
  user: UserRecord;
  type: string;
  idempotencyKey: string;
  occurredAt?: Date;
  value?: number;
  metadata?: Record<string, MetadataValue>;
  reason?: string;
  source: ActivityReporter;
}

export interface RecordActivityResult {
  activityId: string;
  pointsAwarded: number;
  duplicate: boolean;
}

/** Activities may be reported a little late, never from the future. */
const FIVE_MINUTES = 5 * 60_000;
const oid = (hex: string) => new Types.ObjectId(hex);

/**
 * The one way anything becomes points. An activity becomes one ledger entry (see LedgerService
 * for how it is made exactly once): the rule gives its points for the member's tier, the cap
 * windows (day/week/month in the organization's zone) are reserved atomically, the wallet and the
 * member's statistics move in one update, and once the entry is committed the activity is stored,
 * distinct values are marked, badges are awarded and `activity.recorded` moves challenges.
 */
@Injectable()
export class ActivitiesService {
  constructor(
    private readonly repository: EngineRepository,
    private readonly content: ContentService,
    private readonly ledger: LedgerService,
    private readonly progress: MemberProgressService,
    private readonly organizations: OrganizationsService,
    private readonly users: UsersRepository,
    private readonly members: MemberCache,
    private readonly events: DomainEventBus,
  ) {}

  ruleFor(type: string): RuleDto {
    const rule = this.content.rules().byType.get(type);
    if (!rule) throw new BadRequestException(`No earning rule for activity type "${type}"`);
    return rule;
  }

  /** The rules as GET /rules shows them: each with the tier multipliers that apply to it. */
  rulesInForce(): RuleDto[] {
    const { byType, multipliers } = this.content.rules();
    return [...byType.values()].map((rule) => ({
      ...rule,
      ...(rule.tierMultipliers || Object.keys(multipliers).length
        ? { tierMultipliers: rule.tierMultipliers ?? multipliers }
        : {}),
    }));
  }

  /** POST /activities: an external system (API key) or a manager reports what a member did. */
  async report(caller: Principal, body: RecordActivityDto): Promise<RecordActivityResult> {
    if (Boolean(body.userId) === Boolean(body.email)) throw new BadRequestException('Give either userId or email');
    const occurredAt = body.occurredAt ? new Date(body.occurredAt) : undefined;
    if (occurredAt && occurredAt.getTime() > Date.now() + FIVE_MINUTES) {
      throw new BadRequestException('occurredAt must not be in the future');
    }
    this.ruleFor(body.type); // an unknown type is refused before anything else
    const user = body.userId
      ? await this.members.get(new Types.ObjectId(body.userId))
      : await this.users.findByEmail(body.email!);
    if (!user) throw new NotFoundException('Member not found');
    return this.record({
      user,
      type: body.type,
      idempotencyKey: body.idempotencyKey,
      occurredAt,
      value: body.value,
      metadata: body.metadata,
      reason: body.reason,
      source: caller.apiKeyId ? { kind: 'api-key', id: caller.apiKeyId } : { kind: 'user', id: caller.id },
    });
  }

  async record(input: RecordActivityInput): Promise<RecordActivityResult> {
    const rule = this.ruleFor(input.type);
    if (rule.per === 'value' && input.value === undefined && rule.defaultValue === undefined) {
      throw new BadRequestException(`value is required for ${input.type} (points are per unit of value)`);
    }
    const userId = input.user._id.toHexString();
    const occurredAt = input.occurredAt ?? new Date();
    const zone = await this.organizations.zoneOf(input.user.organizationId);
    const points = earnedPoints(rule, this.content.rules(), input.user.tierKey, input.value);
    const windows = points > 0 ? capWindows(rule, occurredAt, zone) : [];
    const caps = windows.map((window) => ({
      id: `cap|${userId}|${input.type}|${window.period}|${window.key}`,
      cap: window.cap,
    }));
    const metadata = input.metadata ?? {};
    const stats = this.progress.statsFor({ userId: input.user._id, type: input.type, metadata, occurredAt }, zone);
    const activityId = new Types.ObjectId().toHexString();
    const reason = input.reason ?? rule.description;

    let plan = this.ledger.plan(
      {
        userId: input.user._id,
        organizationId: input.user.organizationId,
        amount: points,
        kind: 'earn',
        reason,
        source: { type: input.type, id: activityId },
        idempotencyKey: `activity:${input.idempotencyKey}`,
        occurredAt,
      },
      {
        stats: stats.update,
        reservations: caps.map((cap) => cap.id),
        activity: {
          activityId,
          type: input.type,
          idempotencyKey: input.idempotencyKey,
          value: input.value ?? null,
          metadata,
          reason: input.reason ?? null,
          source: input.source,
          distinct: stats.distinct,
        },
      },
    );
    const twin = await this.ledger.open(plan);
    if (twin) return this.resultOf(twin);
    if (caps.length) {
      let reserved: number;
      try {
        reserved = await this.repository.reserveWithinCaps(caps, points, plan.entryId);
      } catch (error) {
        if (!isOutage(error)) await this.ledger.abandon(plan).catch(() => undefined);
        throw error;
      }
      plan = this.ledger.withAmount(plan, reserved);
      // Every activity writes its entry, 0 points when a cap is full, so the statement says why.
      if (reserved === 0) plan.reason = `${reason} Limit reached: no points this time.`;
    }
    return this.resultOf(await this.ledger.post(plan));
  }

  /**
   * What an activity's entry does once committed, replayed after a crash (`redo`): mark distinct
   * values (each mark owned by the entry) and raise their statistics once, award badges, and tell
   * challenges. The activity itself is stored on its entry (`activity`), committed with it.
   */
  @OnDomainEffect('ledger.recorded')
  async onLedgerRecorded({ plan, redo, statsBefore, wallet }: LedgerRecordedEvent): Promise<void> {
    const facts = plan.activity;
    if (!facts || !plan.stats) return;
    const userId = oid(plan.userId);
    const occurredAt = new Date(plan.occurredAt);
    const distinct: Record<string, number> = {};
    for (const { mark, stat } of facts.distinct) {
      if (await this.repository.markFor(mark, plan.entryId)) distinct[stat] = (distinct[stat] ?? 0) + 1;
    }
    if (Object.keys(distinct).length) {
      await this.ledger.applyStatistics(userId, guardToken(plan.entryId, 'distinct'), {
        inc: distinct,
        week: plan.stats.week,
      });
    }
    const known =
      redo || statsBefore === undefined
        ? {}
        : { stats: afterUpdate(userId, statsBefore, { ...plan.stats.inc, ...distinct }, plan.stats.week), wallet };
    await this.progress.awardBadges(userId, known);
    await this.events.publish('activity.recorded', {
      activityId: facts.activityId,
      entryId: plan.entryId,
      userId: plan.userId,
      organizationId: plan.organizationId,
      type: facts.type,
      value: facts.value,
      occurredAt,
      metadata: facts.metadata,
      pointsAwarded: plan.amount,
      redo,
    });
  }

  /** A plan that never became an entry gives back the cap room it reserved. */
  @OnDomainEffect('ledger.abandoned')
  async onLedgerAbandoned({ plan }: LedgerAbandonedEvent): Promise<void> {
    for (const id of plan.reservations ?? []) await this.repository.release(id, plan.entryId);
  }

  private resultOf(result: RecordResult): RecordActivityResult {
    return {
      activityId: result.entry.source.id ?? '',
      pointsAwarded: result.entry.amount,
      duplicate: result.duplicate,
    };
  }
}
