import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { ContentService } from '../content/content.service';
import { appliedValue } from '../database/guards';
import { LedgerFilter, LedgerRepository, WalletBalances } from './ledger.repository';
import type { LedgerEntry } from './schemas/ledger-entry.schema';
import type { Wallet } from './schemas/wallet.schema';
import { LedgerService } from './ledger.service';
import { addToBalances } from './wallet-delta';

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
/** Entries made this long before a reconcile started may still have been in flight while it read. */
const RECENT_MS = 2 * 60_000;

/**
 * Entries whose balance a wallet has applied (a guard that is exactly the entry's id; statistics
 * applied later carry a suffix), made at or after `since` (ObjectId time).
 */
function recentGuards(wallet: Wallet | null, since: number): string[] {
  return Object.values(wallet?.applied ?? {})
    .flatMap((slot) => Object.keys(slot))
    .filter((token) => /^[0-9a-f]{24}$/.test(token) && parseInt(token.slice(0, 8), 16) * 1000 >= since);
}
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

  /** Sets the wallets' spending totals to what the ledger sums to (the analytics rebuild; see the repository). */
  setRedemptionTotals(totals: Map<string, { points: number; count: number }>): Promise<number> {
    return this.repository.setRedemptionTotals(totals);
  }

  /**
   * Rebuilds every wallet from the ledger and reports what it had to fix. The ledger is read once,
   * through one cursor (as the leaderboard rebuild does), and summed per member in memory; then
   * each wallet is compared with its sum. Awards keep landing meanwhile, so a wallet that differs
   * is corrected for the entries that moved while the ledger was being read — those the cursor
   * saw but the wallet has not applied yet (still being posted), and those the wallet applied but
   * the cursor had passed — using the wallet's own applied-entry guards, before it is set.
   */
  async reconcile(onProgress: (done: number, total: number) => void = () => {}): Promise<ReconcileReport> {
    await this.ledger.finishPending();
    const [entryCount, walletCount] = await Promise.all([this.ledger.count(), this.repository.countWallets()]);
    const total = entryCount + walletCount;
    const startedAt = Date.now();
    const recentSince = startedAt - RECENT_MS;
    const start = this.ledger.qualificationStart();
    const sums = new Map<string, WalletBalances>();
    const recent = new Map<string, LedgerEntry[]>(); // per member: entries made around the read
    let done = 0;
    for await (const page of this.ledger.entries()) {
      for (const entry of page) {
        const id = entry.userId.toHexString();
        const sum = sums.get(id) ?? { balance: 0, lifetime: 0, qualifying: 0 };
        addToBalances(sum, entry, start);
        sums.set(id, sum);
        if (entry.createdAt.getTime() >= recentSince) recent.set(id, [...(recent.get(id) ?? []), entry]);
      }
      done += page.length;
      onProgress(Math.min(done, total), total);
    }
    const entries = done;

    const fixed: WalletDrift[] = [];
    const settle = async (id: string, summed: WalletBalances) => {
      const drift = await this.settleFromStream(
        new Types.ObjectId(id),
        summed,
        recent.get(id) ?? [],
        recentSince,
        start,
      );
      if (drift) fixed.push({ userId: id, ...drift });
    };
    let wallets = 0;
    for await (const wallet of this.repository.streamWallets()) {
      const id = wallet._id.toHexString();
      const expected = sums.get(id) ?? { balance: 0, lifetime: 0, qualifying: 0 };
      sums.delete(id);
      const stored = {
        balance: wallet.balance ?? 0,
        lifetime: wallet.lifetime ?? 0,
        qualifying: wallet.qualifying ?? 0,
      };
      if (!same(stored, expected)) await settle(id, expected);
      wallets++;
      onProgress(Math.min(++done, total), total);
    }
    for (const [id, summed] of sums) await settle(id, summed); // entries but no wallet yet
    if (fixed.length) this.logger.warn(`Reconcile fixed ${fixed.length} wallet(s)`);
    return { entries, wallets: wallets + sums.size, fixed };
  }

  /**
   * One drifting wallet, from what the single read of the ledger summed for it. Entries made since
   * `recentSince` are the only ones that can have moved during the read (older ones were finished
   * by the sweep that started the reconcile): one the wallet has not applied yet (no guard) is
   * left out, one the wallet applied after the cursor passed (a guard the read did not see) is
   * added by `_id`. Set with a compare-and-set; if an award moves the wallet meanwhile, the member
   * is settled from its own entries instead.
   */
  private async settleFromStream(
    userId: Types.ObjectId,
    summed: WalletBalances,
    recentlySeen: LedgerEntry[],
    recentSince: number,
    start: Date,
  ): Promise<{ stored: WalletBalances; fromLedger: WalletBalances } | null> {
    const wallet = await this.repository.readWallet(userId);
    const stored = {
      balance: wallet?.balance ?? 0,
      lifetime: wallet?.lifetime ?? 0,
      qualifying: wallet?.qualifying ?? 0,
    };
    const expected = { ...summed };
    const seen = new Set(recentlySeen.map((entry) => entry._id.toHexString()));
    for (const entry of recentlySeen) {
      if (appliedValue(wallet, entry._id.toHexString()) === undefined) addToBalances(expected, entry, start, -1);
    }
    for (const token of recentGuards(wallet, recentSince)) {
      if (seen.has(token)) continue;
      const entry = await this.repository.findEntry(new Types.ObjectId(token));
      if (entry?.userId.equals(userId)) addToBalances(expected, entry, start);
    }
    if (same(stored, expected)) return null;
    if (await this.repository.replaceBalances(userId, stored, expected)) return { stored, fromLedger: expected };
    return this.ledger.settleFromLedger(userId);
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
    for await (const wallet of this.repository.streamWallets()) {
      const value = qualifying.get(wallet._id.toHexString()) ?? 0;
      if (wallet.qualifying !== value) await this.repository.setQualifying(wallet._id, value);
    }
    return qualifying;
  }
}
