import { BadRequestException, Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { DomainEventBus } from '../common/domain-event-bus';
import { ContentService } from '../content/content.service';
import type { RuleDto } from '../content/dto/rules-file.dto';
import { WriteSerializer } from '../database/write-serializer';
import type { LedgerEntryDto } from '../ledger/dto/ledger.dto';
import { LedgerService } from '../ledger/ledger.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { HubConfig } from '../config/hub-config';
import type { UserRecord } from '../users/users.repository';
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
    const userId = input.user._id.toHexString();
    const outcome = await this.serializer.run(`engine:${userId}`, () => this.apply(input, rule));
    if (outcome.recorded) {
      const activity = outcome.recorded;
      await this.events.publish('activity.recorded', {
        activityId: activity._id.toHexString(),
        userId,
        organizationId: activity.organizationId?.toHexString() ?? null,
        type: activity.type,
        value: activity.value,
        occurredAt: activity.occurredAt,
        metadata: activity.metadata,
        pointsAwarded: outcome.pointsAwarded,
      });
    }
    return { activityId: outcome.activityId, pointsAwarded: outcome.pointsAwarded, duplicate: outcome.duplicate };
  }

  /**
   * Runs under the member's engine lock. Every activity writes exactly one ledger entry, keyed by
   * its idempotency key (0 points when a cap is full, so that the entry says why): that insert is
   * the commit point, and a replay — however late, whatever the caps say by then — stops there.
   * The same wallet update applies the member's statistics, so an award is one update.
   */
  private async apply(
    input: RecordActivityInput,
    rule: RuleDto,
  ): Promise<RecordActivityResult & { recorded?: Activity }> {
    const activityId = new Types.ObjectId();
    const occurredAt = input.occurredAt ?? new Date();
    const zone = await this.zoneOf(input.user.organizationId);
    const windows = capWindows(rule, occurredAt, zone).map((window) => ({
      ...window,
      id: `cap|${input.user._id.toHexString()}|${input.type}|${window.period}|${window.key}`,
    }));
    const points = await this.cappedPoints(rule, input, windows);
    const counts = await this.progress.countsFor(
      { userId: input.user._id, type: input.type, metadata: input.metadata ?? {}, occurredAt },
      zone,
    );
    const reason = input.reason ?? rule.description;
    const result = await this.ledger.record(
      {
        userId: input.user._id,
        organizationId: input.user.organizationId,
        amount: points,
        kind: 'earn',
        reason: points > 0 || !windows.length ? reason : `${reason} Limit reached: no points this time.`,
        source: { type: input.type, id: activityId.toHexString() },
        idempotencyKey: `activity:${input.idempotencyKey}`,
        occurredAt,
      },
      counts,
    );
    if (result.duplicate) return this.duplicateOf(input.idempotencyKey, result.entry);

    const activity = await this.repository.insertActivity({
      _id: activityId,
      userId: input.user._id,
      organizationId: input.user.organizationId,
      type: input.type,
      occurredAt,
      value: input.value ?? null,
      metadata: input.metadata ?? {},
      reason: input.reason ?? null,
      source: input.source,
      idempotencyKey: input.idempotencyKey,
      pointsAwarded: points,
      processedAt: new Date(),
    });
    if (!activity) return this.duplicateOf(input.idempotencyKey, result.entry); // recorded before the ledger key existed

    if (points > 0) for (const window of windows) await this.repository.increment(window.id, points);
    const stats = await this.progress.settle(input.user._id, result.statsBefore ?? null, counts);
    await this.progress.awardBadges(input.user._id, { stats, wallet: result.wallet });
    return { activityId: activityId.toHexString(), pointsAwarded: points, duplicate: false, recorded: activity };
  }

  /** What the original of a replayed activity awarded. */
  private async duplicateOf(idempotencyKey: string, entry?: LedgerEntryDto): Promise<RecordActivityResult> {
    const original = await this.repository.findActivityByKey(idempotencyKey);
    if (original) {
      return { activityId: original._id.toHexString(), pointsAwarded: original.pointsAwarded ?? 0, duplicate: true };
    }
    // Only the ledger entry exists (the process stopped right after it): the points stand.
    return { activityId: entry?.source.id ?? '', pointsAwarded: entry?.amount ?? 0, duplicate: true };
  }

  /** Rule points for this member's tier, limited by what the cap windows still allow. */
  private async cappedPoints(
    rule: RuleDto,
    input: RecordActivityInput,
    windows: Array<{ id: string; cap: number }>,
  ): Promise<number> {
    const points = earnedPoints(rule, this.content.rules(), input.user.tierKey, input.value);
    if (!windows.length || points === 0) return points;
    const used = await this.repository.counterValues(windows.map((w) => w.id));
    return applyCaps(
      points,
      windows.map((w) => ({ cap: w.cap, used: used.get(w.id) ?? 0 })),
    );
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
