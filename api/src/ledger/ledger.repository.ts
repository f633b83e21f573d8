import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { olderThan } from '../common/pagination';
import { LedgerEntry } from './schemas/ledger-entry.schema';
import { Wallet } from './schemas/wallet.schema';
import type { WalletDelta } from './wallet-delta';

export type NewLedgerEntry = Omit<LedgerEntry, '_id' | 'createdAt'>;
export type WalletBalances = Pick<Wallet, 'balance' | 'lifetime' | 'qualifying'>;

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
    return (await this.entries.create(entry)).toObject();
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

  async getWallet(userId: Types.ObjectId): Promise<WalletBalances> {
    return (await this.wallets.findById(userId, BALANCES).lean<WalletBalances>().exec()) ?? { ...EMPTY_WALLET };
  }

  /** Adds `delta` to the wallet, creating it on first use. */
  async applyDelta(userId: Types.ObjectId, delta: WalletDelta): Promise<WalletBalances> {
    const wallet = await this.wallets
      .findOneAndUpdate({ _id: userId }, { $inc: delta }, { upsert: true, returnDocument: 'after' })
      .lean<Wallet>()
      .exec();
    return balancesOf(wallet);
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
