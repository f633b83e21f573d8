import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { ContentService } from '../content/content.service';
import { LedgerFilter, LedgerRepository, WalletBalances } from './ledger.repository';
import { LedgerService } from './ledger.service';
import { walletDelta } from './wallet-delta';

export interface WalletDrift {
  userId: string;
  stored: WalletBalances;
  fromLedger: WalletBalances;
}

export interface ReconcileReport {
  entries: number;
  wallets: number;
  fixed: WalletDrift[];
}

export interface ExpiryReport {
  cutoff: string;
  members: number;
  pointsExpired: number;
}

const CREDITS: LedgerFilter = { kinds: ['earn', 'adjust'], sign: 'credit' };
const PAGE = 500;
const same = (a: WalletBalances, b: WalletBalances) =>
  a.balance === b.balance && a.lifetime === b.lifetime && a.qualifying === b.qualifying;

/** Scheduled and on-demand work on the ledger: expiry, the qualifying window, and reconciliation. */
@Injectable()
export class LedgerMaintenanceService {
  private readonly logger = new Logger(LedgerMaintenanceService.name);

  constructor(
    private readonly repository: LedgerRepository,
    private readonly ledger: LedgerService,
    private readonly content: ContentService,
  ) {}

  /**
   * Rebuilds every wallet from the ledger and reports what it had to fix. The ledger is read once,
   * through one cursor (as the leaderboard rebuild does), and summed per member in memory; then
   * each wallet is compared with its sum. A wallet that differs is settled from its own entries
   * (see `LedgerService.settleFromLedger`), which tells real drift from an award that landed
   * while the ledger was being read.
   */
  async reconcile(onProgress: (done: number, total: number) => void = () => {}): Promise<ReconcileReport> {
    await this.ledger.finishPending();
    const [entryCount, walletCount] = await Promise.all([this.ledger.count(), this.repository.countWallets()]);
    const total = entryCount + walletCount;
    const start = this.ledger.qualificationStart();
    const sums = new Map<string, WalletBalances>();
    let done = 0;
    for await (const page of this.ledger.entries()) {
      for (const entry of page) {
        const id = entry.userId.toHexString();
        const sum = sums.get(id) ?? { balance: 0, lifetime: 0, qualifying: 0 };
        const delta = walletDelta(entry.kind, entry.amount);
        sum.balance += delta.balance;
        sum.lifetime += delta.lifetime;
        if (entry.occurredAt >= start) sum.qualifying += delta.qualifying;
        sums.set(id, sum);
      }
      done += page.length;
      onProgress(Math.min(done, total), total);
    }
    const entries = done;

    const fixed: WalletDrift[] = [];
    const settle = async (id: string) => {
      const drift = await this.ledger.settleFromLedger(new Types.ObjectId(id));
      if (drift) fixed.push({ userId: id, ...drift });
    };
    let wallets = 0;
    for (let page = await this.repository.listWallets(PAGE); page.length;) {
      for (const wallet of page) {
        const id = wallet._id.toHexString();
        const expected = sums.get(id) ?? { balance: 0, lifetime: 0, qualifying: 0 };
        sums.delete(id);
        const stored = {
          balance: wallet.balance ?? 0,
          lifetime: wallet.lifetime ?? 0,
          qualifying: wallet.qualifying ?? 0,
        };
        if (!same(stored, expected)) await settle(id);
        wallets++;
        onProgress(Math.min(++done, total), total);
      }
      page = await this.repository.listWallets(PAGE, page[page.length - 1]._id);
    }
    for (const id of sums.keys()) await settle(id); // entries but no wallet yet
    if (fixed.length) this.logger.warn(`Reconcile fixed ${fixed.length} wallet(s)`);
    return { entries, wallets: wallets + sums.size, fixed };
  }

  /**
   * Expires points earned before the cutoff that have not been spent since: credits before the
   * cutoff minus everything ever debited (spent, expired or taken) is what is still unspent.
   */
  async expirePoints(asOf = new Date()): Promise<ExpiryReport> {
    const cutoff = DateTime.fromJSDate(asOf).minus({ months: this.content.rules().expiryMonths }).startOf('day');
    const [oldCredits, debits] = await Promise.all([
      this.repository.sumByUser({ sign: 'credit', occurredBefore: cutoff.toJSDate() }),
      this.repository.sumByUser({ sign: 'debit' }),
    ]);
    let members = 0;
    let pointsExpired = 0;
    for (const [id, credited] of oldCredits) {
      const unspent = credited + (debits.get(id) ?? 0);
      if (unspent <= 0) continue;
      const userId = new Types.ObjectId(id);
      const amount = Math.min(unspent, (await this.repository.getWallet(userId)).balance);
      if (amount <= 0) continue;
      const result = await this.ledger.record({
        userId,
        organizationId: null,
        amount: -amount,
        kind: 'expire',
        reason: `Points earned before ${cutoff.toISODate()} expired`,
        source: { type: 'expiry', id: null },
        idempotencyKey: `expire:${id}:${cutoff.toISODate()}`,
        occurredAt: asOf,
      });
      if (!result.duplicate) {
        members++;
        pointsExpired += amount;
      }
    }
    return { cutoff: cutoff.toISO()!, members, pointsExpired };
  }

  /** Sets every wallet's qualifying points to the window ending at `asOf`; returns them by member. */
  async refreshQualifying(asOf = new Date()): Promise<Map<string, number>> {
    const start = this.ledger.qualificationStart(asOf);
    const qualifying = await this.repository.sumByUser({ ...CREDITS, occurredFrom: start, occurredBefore: asOf });
    for (let page = await this.repository.listWallets(PAGE); page.length;) {
      for (const wallet of page) {
        const value = qualifying.get(wallet._id.toHexString()) ?? 0;
        if (wallet.qualifying !== value) await this.repository.setQualifying(wallet._id, value);
      }
      page = await this.repository.listWallets(PAGE, page[page.length - 1]._id);
    }
    return qualifying;
  }
}
