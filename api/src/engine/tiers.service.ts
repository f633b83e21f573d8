import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { DomainEventBus, OnDomainEffect } from '../common/domain-event-bus';
import type { LedgerRecordedEvent } from '../common/domain-events';
import { ContentService } from '../content/content.service';
import { LedgerMaintenanceService } from '../ledger/ledger-maintenance.service';
import { LedgerService } from '../ledger/ledger.service';
import { MemberCache } from './member-cache';
import { UsersRepository } from '../users/users.repository';

export interface TierReviewReport {
  reviewed: number;
  graceStarted: number;
  downgraded: number;
}

/**
 * Tiers follow qualifying points: up as soon as a threshold is crossed, down only through the
 * scheduled review, after the grace period, and never because points were spent.
 */
@Injectable()
export class TiersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly content: ContentService,
    private readonly maintenance: LedgerMaintenanceService,
    private readonly ledger: LedgerService,
    private readonly members: MemberCache,
    private readonly events: DomainEventBus,
  ) {}

  @OnDomainEffect('ledger.recorded')
  async onLedgerRecorded({ userId, wallet, entry, redo }: LedgerRecordedEvent): Promise<void> {
    if (entry.amount <= 0) return;
    const qualifying = redo ? (await this.ledger.wallet(userId)).qualifying : wallet.qualifying;
    await this.raise(new Types.ObjectId(userId), qualifying);
  }

  /**
   * Upgrades the member when qualifying points reach a higher tier. The move is one conditional
   * update (`changeTier` from the tier read), so concurrent awards move a member once.
   */
  async raise(userId: Types.ObjectId, qualifying: number): Promise<void> {
    const target = this.content.tierFor(qualifying).tier;
    if (this.content.tierRank(target.key) === 0) return; // nothing to rise to: skip the read
    // The member as the ingest just saw it (a read per award otherwise): the move is conditional
    // on the tier read, so a stale one only makes a move that another made already fail.
    const user = await this.members.get(userId);
    if (!user) return;
    const currentRank = this.content.tierRank(user.tierKey);
    if (this.content.tierRank(target.key) > currentRank) {
      await this.move(userId, user.tierKey, target.key, 'up');
    } else if (user.tierBelowSince && this.content.tierRank(target.key) >= currentRank) {
      await this.users.setTierBelowSince(userId, user.tierKey, null); // back above the line: the grace clock stops
    }
  }

  /**
   * The scheduled review: recomputes qualifying points for the window ending at `asOf`, starts
   * the grace period for members now below their tier, and moves down those whose grace is over.
   */
  async review(asOf = new Date()): Promise<TierReviewReport> {
    const qualifying = await this.maintenance.refreshQualifying(asOf);
    const graceDays = this.content.downgradeGraceDays();
    const base = this.content.tiers()[0].key;
    const report: TierReviewReport = { reviewed: 0, graceStarted: 0, downgraded: 0 };
    for (let page = await this.users.listAboveTier(base, 500); page.length;) {
      for (const user of page) {
        report.reviewed++;
        const id = user._id.toHexString();
        const target = this.content.tierFor(qualifying.get(id) ?? 0).tier;
        if (this.content.tierRank(target.key) >= this.content.tierRank(user.tierKey)) {
          if (user.tierBelowSince) await this.users.setTierBelowSince(user._id, user.tierKey, null);
          continue;
        }
        if (!user.tierBelowSince) {
          await this.users.setTierBelowSince(user._id, user.tierKey, asOf);
          report.graceStarted++;
        } else if (DateTime.fromJSDate(asOf).diff(DateTime.fromJSDate(user.tierBelowSince), 'days').days >= graceDays) {
          await this.move(user._id, user.tierKey, target.key, 'down');
          report.downgraded++;
        }
      }
      page = await this.users.listAboveTier(base, 500, page[page.length - 1]._id);
    }
    return report;
  }

  private async move(userId: Types.ObjectId, from: string, to: string, direction: 'up' | 'down'): Promise<void> {
    if (!(await this.users.changeTier(userId, from, to))) return;
    await this.events.publish('tier.changed', { userId: userId.toHexString(), from, to, direction });
  }
}
