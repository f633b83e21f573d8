import { Injectable } from '@nestjs/common';
import { CampaignsService } from '../campaigns/campaigns.service';
import { HubConfig } from '../config/hub-config';
import { LedgerMaintenanceService } from '../ledger/ledger-maintenance.service';
import { LedgerService } from '../ledger/ledger.service';
import { walletDelta } from '../ledger/wallet-delta';
import { OrganizationsService } from '../organizations/organizations.service';
import { UsersRepository } from '../users/users.repository';
import { addDay, addHistogram, balanceId } from './analytics-rollups.service';
import { AnalyticsRepository } from './analytics.repository';
import { RollupWriter, type RollupIncrements } from './rollup-writer';
import {
  ACTIVITY_KEY_PREFIX,
  dayOf,
  daysBetween,
  entryCounters,
  npsCounter,
  PROGRAM,
  type HistogramChange,
} from './rollups';
import type { AnalyticsMember, AnalyticsRollup } from './schemas/analytics.schema';

export interface AnalyticsRebuildReport {
  entries: number;
  responses: number;
  documents: number;
  members: number;
}

/** A member's histogram entries from its sorted active days: each day under its gap to the previous one. */
export function histogramOf(days: string[]): HistogramChange[] {
  return days.map((day, index) => ({
    day,
    gap: index ? String(daysBetween(days[index - 1], day)) : 'n',
    by: 1,
  }));
}

/**
 * Recomputes every rollup from the sources — the ledger (activities are its earn entries) and
 * the campaign responses — and recounts the members per organization, with the same functions as the live path, so the result equals what
 * was kept incrementally. For after a crash that outlived the guards, a rule change, or a bug.
 * Not atomic with live traffic: run it when the program is quiet (figures read as empty for the
 * moment between the delete and the inserts).
 */
@Injectable()
export class AnalyticsRebuildService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly wallets: LedgerMaintenanceService,
    private readonly campaigns: CampaignsService,
    private readonly organizations: OrganizationsService,
    private readonly repository: AnalyticsRepository,
    private readonly writer: RollupWriter,
    private readonly config: HubConfig,
    private readonly users: UsersRepository,
  ) {}

  async rebuild(onProgress: (done: number, total: number) => void = () => {}): Promise<AnalyticsRebuildReport> {
    const total = await this.ledger.count();
    const zones = await this.organizations.allTimezones();
    const programZone = this.config.PROGRAM_TIMEZONE;
    const increments: RollupIncrements = new Map();
    const members = new Map<string, { organizationId: string | null; days: Set<string>; pdays: Set<string> }>();
    const redemptions = new Map<string, { points: number; count: number }>();
    const addBalance = (scope: string, by: number) => {
      const id = balanceId(scope);
      increments.set(id, { b: (increments.get(id)?.b ?? 0) + by });
    };
    let done = 0;
    for await (const page of this.ledger.entries()) {
      for (const entry of page) {
        const organizationId = entry.organizationId?.toHexString() ?? null;
        const zone = organizationId ? (zones.get(organizationId) ?? programZone) : null;
        const day = zone ? dayOf(entry.occurredAt, zone) : null;
        const programDay = dayOf(entry.occurredAt, programZone);
        const activity = entry.kind === 'earn' && entry.idempotencyKey.startsWith(ACTIVITY_KEY_PREFIX);
        const counters = entryCounters(entry.kind, entry.amount, activity ? entry.source.type : null);
        if (organizationId && day) addDay(increments, organizationId, day, counters);
        addDay(increments, PROGRAM, programDay, counters);
        const userId = entry.userId.toHexString();
        if (activity) {
          const member = members.get(userId) ?? { organizationId, days: new Set(), pdays: new Set() };
          if (day) member.days.add(day);
          member.pdays.add(programDay);
          members.set(userId, member);
        }
        if (entry.kind === 'redeem' || entry.kind === 'refund') {
          const sum = redemptions.get(userId) ?? { points: 0, count: 0 };
          sum.points -= entry.amount;
          sum.count += entry.kind === 'redeem' ? 1 : -1;
          redemptions.set(userId, sum);
        }
        const balance = walletDelta(entry.kind, entry.amount).balance;
        if (balance && organizationId) addBalance(organizationId, balance);
        if (balance) addBalance(PROGRAM, balance);
        onProgress(++done, total);
      }
    }
    let responses = 0;
    for await (const answer of this.campaigns.npsAnswers()) {
      const counters = { [npsCounter(answer.nps)]: 1 };
      if (answer.organizationId) {
        const zone = zones.get(answer.organizationId) ?? programZone;
        addDay(increments, answer.organizationId, dayOf(answer.submittedAt, zone), counters);
      }
      addDay(increments, PROGRAM, dayOf(answer.submittedAt, programZone), counters);
      responses++;
    }
    const memberDocs: AnalyticsMember[] = [];
    for (const [userId, member] of members) {
      const days = [...member.days].sort();
      const pdays = [...member.pdays].sort();
      if (member.organizationId) addHistogram(increments, member.organizationId, histogramOf(days));
      addHistogram(increments, PROGRAM, histogramOf(pdays));
      memberDocs.push({ _id: userId, organizationId: member.organizationId, days, pdays, v: 1, applied: {} });
    }
    // What members spent on rewards lives on their wallets (moved with each debit and refund).
    await this.wallets.setRedemptionTotals(redemptions);
    const documents = [...increments].map(([id, inc]) => toDocument(id, inc));
    await this.writer.replaceAll(documents);
    await this.repository.replaceMembers(memberDocs);
    await this.users.recountMembers();
    return { entries: done, responses, documents: documents.length, members: memberDocs.length };
  }
}

/** `{'d.05.pointsIssued': 3}` → `{d: {'05': {pointsIssued: 3}}}`. */
function toDocument(id: string, inc: Record<string, number>): AnalyticsRollup {
  const doc: AnalyticsRollup = { _id: id };
  for (const [path, value] of Object.entries(inc)) {
    if (path === 'b') {
      doc.b = value;
      continue;
    }
    const parts = path.split('.');
    let node = (doc.d ??= {}) as Record<string, unknown>;
    for (const part of parts.slice(1, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = value;
  }
  return doc;
}
