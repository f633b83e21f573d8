import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { ContentService } from '../content/content.service';
import { WriteSerializer } from '../database/write-serializer';
import { LedgerFilter, LedgerRepository, WalletBalances } from './ledger.repository';
import { LedgerService } from './ledger.service';

export interface WalletDrift {
  userId: string;
  stored: WalletBalances;
  fromLedger: WalletBalances;
}

export interface ReconcileReport {
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

/** Scheduled and on-demand work on the ledger: expiry, the qualifying window, and reconciliation. */
@Injectable()
export class LedgerMaintenanceService {
  private readonly logger = new Logger(LedgerMaintenanceService.name);

  constructor(
    private readonly repository: LedgerRepository,
    private readonly ledger: LedgerService,
    private readonly serializer: WriteSerializer,
    private readonly content: ContentService,
  ) {}

  /** What a member's wallet must hold according to the ledger alone. */
  async expectedWallet(userId: Types.ObjectId, asOf = new Date()): Promise<WalletBalances> {
    const [balance, lifetime, qualifying] = await Promise.all([
      this.repository.sumByUser({ userId }),
      this.repository.sumByUser({ userId, ...CREDITS }),
      this.repository.sumByUser({ userId, ...CREDITS, occurredFrom: this.ledger.qualificationStart(asOf) }),
    ]);
    const key = userId.toHexString();
    return { balance: balance.get(key) ?? 0, lifetime: lifetime.get(key) ?? 0, qualifying: qualifying.get(key) ?? 0 };
  }

  /**
   * Rebuilds every wallet from the ledger and reports what it had to fix. Each member is
   * re-summed under its wallet lock, so a live award cannot be mistaken for drift.
   */
  async reconcile(onProgress: (done: number, total: number) => void = () => {}): Promise<ReconcileReport> {
    const users = new Set((await this.repository.sumByUser({})).keys());
    for (let page = await this.repository.listWallets(PAGE); page.length;) {
      page.forEach((wallet) => users.add(wallet._id.toHexString()));
      page = await this.repository.listWallets(PAGE, page[page.length - 1]._id);
    }
    const fixed: WalletDrift[] = [];
    let done = 0;
    for (const id of users) {
      const userId = new Types.ObjectId(id);
      await this.serializer.run(`wallet:${id}`, async () => {
        const [stored, fromLedger] = await Promise.all([
          this.repository.getWallet(userId),
          this.expectedWallet(userId),
        ]);
        if (JSON.stringify(stored) === JSON.stringify(fromLedger)) return;
        await this.repository.setWallet(userId, fromLedger);
        fixed.push({ userId: id, stored, fromLedger });
      });
      onProgress(++done, users.size);
    }
    if (fixed.length) this.logger.warn(`Reconcile fixed ${fixed.length} wallet(s)`);
    return { wallets: users.size, fixed };
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
        const id = wallet._id.toHexString();
        const value = qualifying.get(id) ?? 0;
        if (wallet.qualifying === value) continue;
        await this.serializer.run(`wallet:${id}`, async () => {
          const current = await this.repository.getWallet(wallet._id);
          await this.repository.setWallet(wallet._id, { ...current, qualifying: value });
        });
      }
      page = await this.repository.listWallets(PAGE, page[page.length - 1]._id);
    }
    return qualifying;
  }
}
