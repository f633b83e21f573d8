import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { olderThan } from '../common/pagination';
import { AtomicWrites } from '../database/atomic-writes';
import { GroupedInserts } from '../database/command-groups';
import {
  alreadyApplied,
  appliedValue,
  ClosedGuards,
  guardPath,
  markApplied,
  notYetApplied,
  withoutCoveredPaths,
} from '../database/guards';
import { LedgerEntry, type LedgerKind } from './schemas/ledger-entry.schema';
import { MemberStats, MemberStatsUpdate, Wallet } from './schemas/wallet.schema';
import type { WalletDelta } from './wallet-delta';

export type WalletBalances = Pick<Wallet, 'balance' | 'lifetime' | 'qualifying'>;

export interface LedgerFilter {
  userId?: Types.ObjectId;
  kinds?: LedgerKind[];
  sign?: 'credit' | 'debit';
  occurredFrom?: Date;
  occurredBefore?: Date;
}

export interface WalletChange {
  delta: WalletDelta;
  stats?: MemberStatsUpdate;
  /** A debit: applied only while the balance is at least this. */
  minBalance?: number;
}

export type WalletApplyResult =
  { status: 'applied'; before: Wallet | null; after: WalletBalances } | { status: 'already' | 'short' };

const EMPTY_WALLET: WalletBalances = { balance: 0, lifetime: 0, qualifying: 0 };
const BALANCES = { _id: 0, balance: 1, lifetime: 1, qualifying: 1 };
const BALANCES_WITH_ID = { balance: 1, lifetime: 1, qualifying: 1 };
/** What the passes over the whole ledger (reconcile, board rebuild) read of each entry. */
// What rebuilds read of each entry (analytics tells activities apart by their key and source).
const SUMMED_FIELDS = {
  userId: 1,
  organizationId: 1,
  amount: 1,
  kind: 1,
  occurredAt: 1,
  createdAt: 1,
  source: 1,
  idempotencyKey: 1,
};
const balancesOf = (wallet: Partial<WalletBalances> | null): WalletBalances => ({
  balance: wallet?.balance ?? 0,
  lifetime: wallet?.lifetime ?? 0,
  qualifying: wallet?.qualifying ?? 0,
});

/**
 * The only place that touches the ledger and wallet collections. Every wallet write is atomic by
 * contract (AtomicWrites), and those that apply a ledger entry carry the entry's guard token, so
 * applying one twice changes nothing.
 */
@Injectable()
export class LedgerRepository {
  constructor(
    @InjectModel(LedgerEntry.name) private readonly entries: Model<LedgerEntry>,
    @InjectModel(Wallet.name) private readonly wallets: Model<Wallet>,
    private readonly atomic: AtomicWrites,
  ) {
    this.newEntries = new GroupedInserts(entries);
  }

  private readonly closedGuards = new ClosedGuards();
  private readonly newEntries: GroupedInserts<LedgerEntry>;

  /** Inserts an entry (its `_id` chosen by the caller); false when its idempotency key is taken. */
  insertEntry(entry: Omit<LedgerEntry, 'createdAt'>): Promise<boolean> {
    // The hottest write in the hub: every field is set here from validated input, so it goes
    // straight to the collection instead of through a mongoose document (measured: less CPU
    // per award than create()), together with the entries of concurrent requests.
    return this.newEntries.insert({ ...entry, createdAt: new Date() });
  }

  findEntry(id: Types.ObjectId): Promise<LedgerEntry | null> {
    return this.entries.findById(id).lean<LedgerEntry>().exec();
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
   * Entries through one cursor, in no particular order (all of them, or those of some kinds), with
   * the fields the passes over the whole ledger need. One query, one pass: paging with `_id > last`
   * would make FerretDB scan the ledger again per page.
   */
  stream(kinds?: LedgerKind[]): AsyncIterable<LedgerEntry> {
    return this.entries
      .find(kinds ? { kind: trusted({ $in: kinds }) } : {}, SUMMED_FIELDS)
      .lean<LedgerEntry>()
      .cursor({ batchSize: 2000 });
  }

  count(kinds?: LedgerKind[]): Promise<number> {
    return this.entries.countDocuments(kinds ? { kind: trusted({ $in: kinds }) } : {}).exec();
  }

  /** One member's entries (the reconcile re-checks a member it found drifting). */
  listAllForUser(userId: Types.ObjectId): Promise<LedgerEntry[]> {
    return this.entries.find({ userId }).lean<LedgerEntry[]>().exec();
  }

  countWallets(): Promise<number> {
    return this.wallets.estimatedDocumentCount().exec();
  }

  /**
   * Every wallet's balances through one cursor (paging by `_id > last` would make FerretDB scan and
   * sort the whole collection again for every page).
   */
  streamWallets(): AsyncIterable<Pick<Wallet, '_id' | 'balance' | 'lifetime' | 'qualifying'>> {
    return this.wallets.find({}, BALANCES_WITH_ID).lean<Wallet>().cursor({ batchSize: 2000 });
  }

  /**
   * Sets the wallets' redemption totals (points, count) to what the ledger sums to, where they
   * differ; a wallet absent from `totals` has none. For the analytics rebuild, which, like it, runs
   * while the program is quiet (a redemption landing meanwhile may be overwritten). Returns how
   * many wallets changed.
   */
  async setRedemptionTotals(totals: Map<string, { points: number; count: number }>): Promise<number> {
    let changed = 0;
    const wallets = this.wallets
      .find({}, { pointsRedeemed: 1, redemptions: 1 })
      .lean<Wallet>()
      .cursor({ batchSize: 2000 });
    for await (const wallet of wallets) {
      const total = totals.get(wallet._id.toHexString()) ?? { points: 0, count: 0 };
      if ((wallet.pointsRedeemed ?? 0) === total.points && (wallet.redemptions ?? 0) === total.count) continue;
      await this.atomic.updateOne(
        this.wallets,
        { _id: wallet._id },
        { $set: { pointsRedeemed: total.points, redemptions: total.count } },
      );
      changed++;
    }
    return changed;
  }

  async getWallet(userId: Types.ObjectId): Promise<WalletBalances> {
    return (await this.wallets.findById(userId, BALANCES).lean<WalletBalances>().exec()) ?? { ...EMPTY_WALLET };
  }

  readWallet(userId: Types.ObjectId): Promise<Wallet | null> {
    return this.wallets.findById(userId).lean<Wallet>().exec();
  }

  memberStats(userId: Types.ObjectId): Promise<MemberStats | null> {
    return this.wallets.findById(userId).lean<MemberStats>().exec();
  }

  /**
   * Applies one ledger entry to its member's wallet, atomically and at most once (`token`): the
   * balances, the member's statistics (one update for an award), and for a debit only while the
   * balance covers it. `already`: this token was applied before; `short`: the balance does not
   * cover the debit.
   */
  async applyToWallet(userId: Types.ObjectId, token: string, change: WalletChange): Promise<WalletApplyResult> {
    const debit = change.minBalance !== undefined;
    const filter: Record<string, unknown> & { _id: Types.ObjectId } = { _id: userId, ...notYetApplied(token) };
    if (debit) filter.balance = trusted({ $gte: change.minBalance });
    for (let attempt = 0; attempt < 2; attempt++) {
      const guard = markApplied(token, true);
      const update: Record<string, unknown> = {
        $inc: { ...change.delta, ...(change.stats?.inc ?? {}) },
        $set: { ...guard.set, ...(change.stats ? { [`weeks.${change.stats.week}`]: 1 } : {}) },
        $unset: withoutCoveredPaths({ ...guard.unset, ...this.closedGuards.take(userId.toHexString()) }),
      };
      if (change.stats) update.$max = { lastActiveWeek: change.stats.week };
      const result = await this.atomic.updateOne(this.wallets, filter, update, { upsert: !debit });
      if (result.changed) {
        const was = balancesOf(result.doc);
        const after = {
          balance: was.balance + change.delta.balance,
          lifetime: was.lifetime + change.delta.lifetime,
          qualifying: was.qualifying + change.delta.qualifying,
        };
        return { status: 'applied', before: result.doc, after };
      }
      if (appliedValue(result.doc, token) !== undefined) return { status: 'already' };
      if (debit) return { status: 'short' };
      // A credit that neither applied nor finds its token lost a race to create the wallet
      // (MongoDB, two first awards at once): the second try updates the wallet the other made.
    }
    return { status: 'already' };
  }

  /**
   * The posting that applied `token` here is finished: its guard may go (see ClosedGuards), at
   * once when nothing can replay it (`replayable` false).
   */
  releaseGuard(userId: Types.ObjectId, token: string, replayable = true): void {
    this.closedGuards.add(userId.toHexString(), token, Date.now(), replayable);
  }

  /** Takes back an entry's application (a debit whose entry lost the race for its key, or was abandoned). */
  async revertOnWallet(userId: Types.ObjectId, token: string, delta: WalletDelta): Promise<boolean> {
    const negated = Object.fromEntries(
      Object.entries(delta).flatMap(([field, by]) => (typeof by === 'number' ? [[field, -by]] : [])),
    );
    const result = await this.atomic.updateOne(
      this.wallets,
      { _id: userId, ...alreadyApplied(token) },
      { $inc: negated, $unset: { [guardPath(token)]: '' } },
    );
    return result.changed;
  }

  /**
   * Sets the balances the ledger says the member has, only if the wallet still holds `seen`
   * (what the caller summed against); false when an award moved it meanwhile.
   */
  async replaceBalances(userId: Types.ObjectId, seen: WalletBalances, expected: WalletBalances): Promise<boolean> {
    const result = await this.atomic.updateOne(
      this.wallets,
      { _id: userId, balance: seen.balance, lifetime: seen.lifetime, qualifying: seen.qualifying },
      { $set: expected },
      { upsert: seen.balance === 0 && seen.lifetime === 0 && seen.qualifying === 0 },
    );
    return result.changed;
  }

  /** The tier review's recomputed qualifying points. */
  async setQualifying(userId: Types.ObjectId, qualifying: number): Promise<void> {
    await this.atomic.updateOne(this.wallets, { _id: userId }, { $set: { qualifying } });
  }

  /** Records a held badge on the member's document (the copy the award path reads); the first time stays. */
  async noteBadge(userId: Types.ObjectId, key: string, earnedAt: Date): Promise<void> {
    await this.atomic.updateOne(
      this.wallets,
      { _id: userId },
      { $min: { [`badges.${key}`]: earnedAt } },
      { upsert: true },
    );
  }
}
