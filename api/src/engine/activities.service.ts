import { BadRequestException, Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { DomainEventBus } from '../common/domain-event-bus';
import { ContentService } from '../content/content.service';
import type { RuleDto } from '../content/dto/rules-file.dto';
import { WriteSerializer } from '../database/write-serializer';
import { LedgerService } from '../ledger/ledger.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { HubConfig } from '../config/hub-config';
import { UserRecord, UsersRepository } from '../users/users.repository';
import { EngineRepository } from './engine.repository';
import { MemberProgressService } from './member-progress.service';
import { applyCaps, capWindows, earnedPoints } from './rules';
import type { Activity, ActivitySource, MetadataValue } from './schemas/activity.schema';

export interface RecordActivityInput {
  user: UserRecord;
  type: string;
  idempotencyKey: string;
  occurredAt?: Date;
  value?: number;
  metadata?: Record<string, MetadataValue>;
  reason?: string;
  source: ActivitySource;
}

export interface RecordActivityResult {
  activityId: string;
  pointsAwarded: number;
  duplicate: boolean;
}

/**
 * The one way anything becomes points: an activity is stored once (unique idempotency key),
 * then, one member at a time, the rules turn it into a capped, tier-multiplied ledger entry, and
 * the member's statistics and badges move. Challenges and notifications follow from the event.
 */
@Injectable()
export class ActivitiesService {
  private readonly zones = new Map<string, string>();

  constructor(
    private readonly repository: EngineRepository,
    private readonly content: ContentService,
    private readonly ledger: LedgerService,
    private readonly progress: MemberProgressService,
    private readonly organizations: OrganizationsService,
    private readonly serializer: WriteSerializer,
    private readonly events: DomainEventBus,
    private readonly users: UsersRepository,
    private readonly config: HubConfig,
  ) {}

  ruleFor(type: string): RuleDto {
    const rule = this.content.rules().byType.get(type);
    if (!rule) throw new BadRequestException(`No earning rule for activity type "${type}"`);
    return rule;
  }

  async record(input: RecordActivityInput): Promise<RecordActivityResult> {
    const rule = this.ruleFor(input.type);
    if (rule.per === 'value' && input.value === undefined) {
      throw new BadRequestException(`value is required for ${input.type} (points are per unit of value)`);
    }
    const inserted = await this.repository.insertActivity({
      userId: input.user._id,
      organizationId: input.user.organizationId,
      type: input.type,
      occurredAt: input.occurredAt ?? new Date(),
      value: input.value ?? null,
      metadata: input.metadata ?? {},
      reason: input.reason ?? null,
      source: input.source,
      idempotencyKey: input.idempotencyKey,
    });
    const activity = inserted ?? (await this.repository.findActivityByKey(input.idempotencyKey))!;
    const userId = activity.userId.toHexString();

    // A replay waits for the original to finish, then reports what it awarded. An activity that
    // was stored but never processed (a crash in between) is processed now, exactly once.
    const outcome = await this.serializer.run(`engine:${userId}`, () => this.process(activity._id, rule));
    if (outcome.processedNow) {
      await this.events.publish('activity.recorded', {
        activityId: activity._id.toHexString(),
        userId,
        organizationId: activity.organizationId?.toHexString() ?? null,
        type: activity.type,
        value: activity.value,
        occurredAt: activity.occurredAt,
        metadata: activity.metadata,
        pointsAwarded: outcome.points,
      });
    }
    return { activityId: activity._id.toHexString(), pointsAwarded: outcome.points, duplicate: !inserted };
  }

  private async process(activityId: Types.ObjectId, rule: RuleDto): Promise<{ points: number; processedNow: boolean }> {
    const activity = (await this.repository.findActivity(activityId))!;
    if (activity.processedAt) return { points: activity.pointsAwarded ?? 0, processedNow: false };

    const member = await this.users.findById(activity.userId);
    const zone = await this.zoneOf(activity.organizationId);
    const points = await this.cappedPoints(activity, rule, member?.tierKey ?? this.content.tiers()[0].key, zone);
    if (points > 0) {
      await this.ledger.record({
        userId: activity.userId,
        organizationId: activity.organizationId,
        amount: points,
        kind: 'earn',
        reason: activity.reason ?? rule.description,
        source: { type: activity.type, id: activity._id.toHexString() },
        idempotencyKey: `activity:${activity._id.toHexString()}`,
        occurredAt: activity.occurredAt,
      });
    }
    await this.progress.count(activity, zone);
    await this.repository.markProcessed(activity._id, points);
    await this.progress.awardBadges(activity.userId);
    return { points, processedNow: true };
  }

  /** Rule points for this member's tier, limited by what the cap windows still allow. */
  private async cappedPoints(activity: Activity, rule: RuleDto, tierKey: string, zone: string): Promise<number> {
    const points = earnedPoints(rule, this.content.rules(), tierKey, activity.value ?? undefined);
    const windows = capWindows(rule, activity.occurredAt, zone).map((window) => ({
      ...window,
      id: `cap|${activity.userId.toHexString()}|${activity.type}|${window.period}|${window.key}`,
    }));
    if (!windows.length || points === 0) return points;
    const used = await this.repository.counterValues(windows.map((w) => w.id));
    const allowed = applyCaps(
      points,
      windows.map((w) => ({ cap: w.cap, used: used.get(w.id) ?? 0 })),
    );
    for (const window of windows) if (allowed > 0) await this.repository.increment(window.id, allowed);
    return allowed;
  }

  private async zoneOf(organizationId: Types.ObjectId | null): Promise<string> {
    if (!organizationId) return this.config.PROGRAM_TIMEZONE;
    const key = organizationId.toHexString();
    if (!this.zones.has(key)) {
      const organization = await this.organizations.findTimezone(organizationId);
      this.zones.set(key, organization?.timezone ?? this.config.PROGRAM_TIMEZONE);
    }
    return this.zones.get(key)!;
  }
}
