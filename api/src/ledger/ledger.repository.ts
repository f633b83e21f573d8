import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { olderThan } from '../common/pagination';
import { LedgerEntry, type LedgerKind } from './schemas/ledger-entry.schema';
import { MemberStats, MemberStatsUpdate, Wallet } from './schemas/wallet.schema';
import type { WalletDelta } from './wallet-delta';

export type NewLedgerEntry = Omit<LedgerEntry, '_id' | 'createdAt' | 'occurredAt'> & { occurredAt?: Date };
export type WalletBalances = Pick<Wallet, 'balance' | 'lifetime' | 'qualifying'>;

export interface LedgerFilter {
  userId?: Types.ObjectId;
  kinds?: LedgerKind[];
  sign?: 'credit' | 'debit';
  occurredFrom?: Date;
  occurredBefore?: Date;
}

const EMPTY_WALLET: WalletBalances = { balance: 0, lifetime: 0, qualifying: 0 };
const BALANCES = { _id: 0, balance: 1, lifetime: 1, qualifying: 1 };
// FerretDB 1.24 does not implement projections on findAndModify, so updates pick fields here.
const balancesOf = ({ balance, lifetime, qualifying }: Wallet): WalletBalances => ({ balance, lifetime, qualifying });

/** The only place that touches the ledger and wallet collections. */
@Injectable()
export class LedgerRepository {
  constructor(
    @InjectModel(LedgerEntry.name) private readonly entries: Model<LedgerEntry>,
    @InjectModel(Wallet.name) private readonly wallets: Model<Wallet>,
  ) {}

  /** Inserts an entry; a second entry with the same idempotency key fails with code 11000. */
  async insert(entry: NewLedgerEntry): Promise<LedgerEntry> {
    // The hottest write in the hub: every field is set here from validated input, so it goes
    // straight to the collection instead of through a mongoose document (measured: less CPU
    // per award than create()).
    const now = new Date();
    const stored: LedgerEntry = {
      _id: new Types.ObjectId(),
      ...entry,
      occurredAt: entry.occurredAt ?? now,
      createdAt: now,
    };
    await this.entries.collection.insertOne(stored);
    return stored;
  }

  findByIdempotencyKey(idempotencyKey: string): Promise<LedgerEntry | null> {
    return this.entries.findOne({ idempotencyKey }).lean<LedgerEntry>().exec();
  }

  /** A member's entries, newest first, after the cursor `before`. */
  listForUser(userId: Types.ObjectId, limit: number, before?: Types.ObjectId): Promise<LedgerEntry[]> {
    const filter = before ? { userId, _id: olderThan(before) } : { userId };
    return this.entries.find(filter).sort({ _id: -1 }).limit(limit).lean<LedgerEntry[]>().exec();
  }

  countForUser(userId: Types.ObjectId): Promise<number> {
    return this.entries.countDocuments({ userId }).exec();
  }

  /** Sum of amounts per member over the entries matching `filter`, in one aggregation. */
  async sumByUser(filter: LedgerFilter): Promise<Map<string, number>> {
    const match: Record<string, unknown> = {};
    if (filter.userId) match.userId = filter.userId;
    if (filter.kinds) match.kind = trusted({ $in: filter.kinds });
    if (filter.sign === 'credit') match.amount = trusted({ $gt: 0 });
    if (filter.sign === 'debit') match.amount = trusted({ $lt: 0 });
    const occurred: Record<string, Date> = {};
    if (filter.occurredFrom) occurred.$gte = filter.occurredFrom;
    if (filter.occurredBefore) occurred.$lt = filter.occurredBefore;
    if (Object.keys(occurred).length) match.occurredAt = trusted(occurred);
    const rows = await this.entries
      .aggregate<{ _id: Types.ObjectId; total: number }>([
        { $match: match },
        { $group: { _id: '$userId', total: { $sum: '$amount' } } },
      ])
      .exec();
    return new Map(rows.map((row) => [row._id.toHexString(), row.total]));
  }

  /**
   * Every entry of the given kinds through one cursor, in no particular order. One query, one pass:
   * paging with `_id > last` would make FerretDB scan the whole ledger again for every page.
   */
  streamByKinds(kinds: LedgerKind[]): AsyncIterable<LedgerEntry> {
    return this.entries
      .find({ kind: trusted({ $in: kinds }) })
      .lean<LedgerEntry>()
      .cursor({ batchSize: 2000 });
  }

  countByKinds(kinds: LedgerKind[]): Promise<number> {
    return this.entries.countDocuments({ kind: trusted({ $in: kinds }) }).exec();
  }

  /** Every wallet, a page at a time in `_id` order. */
  listWallets(limit: number, after?: Types.ObjectId): Promise<Wallet[]> {
    const filter = after ? { _id: trusted({ $gt: after }) } : {};
    return this.wallets.find(filter).sort({ _id: 1 }).limit(limit).lean<Wallet[]>().exec();
  }

  async setWallet(userId: Types.ObjectId, balances: WalletBalances): Promise<void> {
    await this.wallets.updateOne({ _id: userId }, { $set: balances }, { upsert: true }).exec();
  }

  async getWallet(userId: Types.ObjectId): Promise<WalletBalances> {
    return (await this.wallets.findById(userId, BALANCES).lean<WalletBalances>().exec()) ?? { ...EMPTY_WALLET };
  }

  /**
   * Adds `delta` (and any statistics) to the wallet in one update, creating it on first use.
   * Returns the balances after, and the document as it was before (for the statistics).
   */
  async applyDelta(
    userId: Types.ObjectId,
    delta: WalletDelta,
    stats?: MemberStatsUpdate,
  ): Promise<{ wallet: WalletBalances; before: Wallet | null }> {
    const update: Record<string, unknown> = { $inc: { ...delta, ...(stats?.inc ?? {}) } };
    if (stats) update.$max = { lastActiveWeek: stats.week };
    const before = await this.wallets
      .findOneAndUpdate({ _id: userId }, update, { upsert: true, returnDocument: 'before' })
      .lean<Wallet>()
      .exec();
    const was = before ? balancesOf(before) : EMPTY_WALLET;
    return {
      before,
      wallet: {
        balance: was.balance + delta.balance,
        lifetime: was.lifetime + delta.lifetime,
        qualifying: was.qualifying + delta.qualifying,
      },
    };
  }

  memberStats(userId: Types.ObjectId): Promise<MemberStats | null> {
    return this.wallets.findById(userId).lean<MemberStats>().exec();
  }

  async setStreak(userId: Types.ObjectId, activeWeekStreak: number): Promise<void> {
    await this.wallets.updateOne({ _id: userId }, { $set: { activeWeekStreak } }).exec();
  }

  /** Records a held badge on the member's document (the copy the award path reads). */
  async noteBadge(userId: Types.ObjectId, key: string, earnedAt: Date): Promise<void> {
    await this.wallets.updateOne({ _id: userId }, { $set: { [`badges.${key}`]: earnedAt } }, { upsert: true }).exec();
  }

  /** Takes `amount` spendable points only if the balance covers them; null when it does not. */
  async debit(userId: Types.ObjectId, amount: number): Promise<WalletBalances | null> {
    const wallet = await this.wallets
      .findOneAndUpdate(
        { _id: userId, balance: trusted({ $gte: amount }) },
        { $inc: { balance: -amount } },
        { returnDocument: 'after' },
      )
      .lean<Wallet>()
      .exec();
    return wallet ? balancesOf(wallet) : null;
  }
}
