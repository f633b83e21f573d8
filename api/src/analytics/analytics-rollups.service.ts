import { Injectable, Logger } from '@nestjs/common';
import { OnDomainEffect } from '../common/domain-event-bus';
import type { CampaignRespondedEvent, LedgerRecordedEvent, PostingPlan } from '../common/domain-events';
import { HubConfig } from '../config/hub-config';
import { outlivedGuards } from '../database/guards';
import { OrganizationsService } from '../organizations/organizations.service';
import { AnalyticsRepository, type ActiveDayChanges } from './analytics.repository';
import { RollupWriter, type RollupIncrements } from './rollup-writer';
import { dayOf, dayPath, entryCounters, monthDocId, npsCounter, PROGRAM, type DayCounters } from './rollups';

/** Adds `inc` (day counters of `day`) to the scope's month document. */
export function addDay(into: RollupIncrements, scope: string, day: string, counters: DayCounters): void {
  const id = monthDocId(scope, day);
  const doc = into.get(id) ?? {};
  for (const [name, by] of Object.entries(counters)) {
    if (name === 'h' || typeof by !== 'number' || !by) continue;
    const path = dayPath(day, name);
    doc[path] = (doc[path] ?? 0) + by;
  }
  if (Object.keys(doc).length) into.set(id, doc);
}

export function addHistogram(into: RollupIncrements, scope: string, changes: ActiveDayChanges['organization']): void {
  for (const change of changes) {
    const id = monthDocId(scope, change.day);
    const doc = into.get(id) ?? {};
    const path = dayPath(change.day, `h.${change.gap}`);
    doc[path] = (doc[path] ?? 0) + change.by;
    into.set(id, doc);
  }
}

export const balanceId = (scope: string) => `balance:${scope}`;

/**
 * Keeps the rollups as things happen: every ledger entry (activities are earn entries, so lessons,
 * events, challenges and responses arrive here too; redemptions, refunds, expiry and adjustments
 * as well) and every campaign response with an NPS answer. Each fact is applied once, whatever
 * the retries and crashes: its increments go to the RollupWriter under the fact's token (the
 * ledger entry's id, the response's token), and a member's new active day is decided once per
 * fact in the member's document (AnalyticsRepository.addActiveDays).
 *
 * The writes are handed to the posting as deferred effects (`defer`): the request answers without
 * waiting, the posting stays unfinished — replayed by the ledger's sweep if one fails — until
 * they land. Reads wait for what this process still holds (`settled()`), so a figure read after
 * an award includes it.
 */
@Injectable()
export class AnalyticsRollupsService {
  private readonly logger = new Logger(AnalyticsRollupsService.name);
  private readonly working = new Set<Promise<unknown>>();

  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly writer: RollupWriter,
    private readonly organizations: OrganizationsService,
    private readonly config: HubConfig,
  ) {}

  @OnDomainEffect('ledger.recorded')
  onLedgerRecorded({ plan, redo, defer }: LedgerRecordedEvent): void {
    if (redo && outlivedGuards(plan.entryId)) {
      // Whether it was counted is unknowable once its guards are gone: `analytics:rebuild` settles it.
      this.logger.warn(`Posting ${plan.entryId} finished after its guards expired: not counted in analytics`);
      return;
    }
    defer(this.track(this.applyEntry(plan, redo)));
  }

  @OnDomainEffect('campaign.responded')
  async onCampaignResponded(event: CampaignRespondedEvent): Promise<void> {
    if (event.nps === null) return;
    if (event.redo && outlivedGuards(event.token)) return;
    const counters: DayCounters = { [npsCounter(event.nps)]: 1 };
    const increments: RollupIncrements = new Map();
    if (event.organizationId) {
      const zone = await this.organizations.zoneOf(event.organizationId);
      addDay(increments, event.organizationId, dayOf(event.submittedAt, zone), counters);
    }
    addDay(increments, PROGRAM, dayOf(event.submittedAt, this.config.PROGRAM_TIMEZONE), counters);
    // The campaigns' sweep finishes a response only after its request stalled for a minute: its
    // increments are in a written batch, or were never handed over (the writer holds them for
    // milliseconds), so a replay need not wait like a ledger replay does.
    if (event.redo && (await this.writer.written(event.token))) return;
    await this.track(this.writer.apply(event.token, increments, false));
  }

  /** Waits for the rollup writes this process has started (a read then sees them). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.working]);
    await this.writer.flush();
  }

  private async applyEntry(plan: PostingPlan, redo: boolean): Promise<void> {
    const token = plan.entryId;
    const organizationId = plan.organizationId;
    const at = new Date(plan.occurredAt);
    const zone = organizationId ? await this.organizations.zoneOf(organizationId) : null;
    const day = zone ? dayOf(at, zone) : null;
    const programDay = dayOf(at, this.config.PROGRAM_TIMEZONE);
    const counters = entryCounters(plan.kind, plan.amount, plan.activity?.type ?? null);
    const increments: RollupIncrements = new Map();
    if (organizationId && day) addDay(increments, organizationId, day, counters);
    addDay(increments, PROGRAM, programDay, counters);
    if (plan.kind === 'earn' && plan.activity) {
      const changes = await this.repository.addActiveDays(plan.userId, organizationId, token, day, programDay, redo);
      if (organizationId) addHistogram(increments, organizationId, changes.organization);
      addHistogram(increments, PROGRAM, changes.program);
    }
    if (plan.delta.balance && organizationId) increments.set(balanceId(organizationId), { b: plan.delta.balance });
    if (plan.delta.balance) increments.set(balanceId(PROGRAM), { b: plan.delta.balance });
    await this.writer.apply(token, increments, redo);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.working.add(work);
    const done = () => this.working.delete(work);
    work.then(done, done);
    return work;
  }
}
