import { Model, Types } from 'mongoose';
import { AtomicWrites } from '../database/atomic-writes';
import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
import { LedgerRepository } from './ledger.repository';
import { LedgerEntry, LedgerEntrySchema } from './schemas/ledger-entry.schema';
import { Wallet, WalletSchema } from './schemas/wallet.schema';

const token = () => new Types.ObjectId().toHexString();
const credit = (points: number) => ({ delta: { balance: points, lifetime: points, qualifying: points } });
const debit = (points: number) => ({ delta: { balance: -points, lifetime: 0, qualifying: 0 }, minBalance: points });

describe('LedgerRepository wallet primitives (embedded FerretDB, two processes)', () => {
  let db: RealDatabase;
  let wallets: Model<Wallet>;
  let a: LedgerRepository;
  let b: LedgerRepository;

  beforeAll(async () => {
    db = await realDatabase();
    wallets = db.model<Wallet>(Wallet.name, WalletSchema);
    const entries = db.model<LedgerEntry>(LedgerEntry.name, LedgerEntrySchema);
    const repository = (atomic: AtomicWrites) => new LedgerRepository(entries, wallets, atomic);
    [a, b] = [repository(await db.atomicWrites()), repository(await db.atomicWrites())];
  });
  afterAll(() => db.close());

  it('applies an entry once however many times (and places) it is applied', async () => {
    const userId = new Types.ObjectId();
    const entry = token();
    const results = await allAtOnce(20, (i) => (i % 2 ? a : b).applyToWallet(userId, entry, credit(25)));
    const statuses = results.map((r) => (r.status === 'fulfilled' ? r.value.status : 'error'));
    expect(statuses.filter((s) => s === 'applied')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'already')).toHaveLength(19);
    expect(await a.getWallet(userId)).toEqual({ balance: 25, lifetime: 25, qualifying: 25 });
  });

  it('debits only while the balance covers them, whatever the concurrency across processes', async () => {
    const userId = new Types.ObjectId();
    await a.applyToWallet(userId, token(), credit(100));
    const results = await allAtOnce(30, (i) => (i % 2 ? a : b).applyToWallet(userId, token(), debit(10)));
    const statuses = results.map((r) => (r.status === 'fulfilled' ? r.value.status : 'error'));
    expect(statuses.filter((s) => s === 'applied')).toHaveLength(10);
    expect(statuses.filter((s) => s === 'short')).toHaveLength(20);
    expect((await a.getWallet(userId)).balance).toBe(0);
  });

  it('applies the statistics with the balance, in the same update', async () => {
    const userId = new Types.ObjectId();
    await a.applyToWallet(userId, token(), {
      ...credit(5),
      stats: { inc: { 'counts.lesson~completed': 1 }, week: '2026-W48' },
    });
    const stored = await wallets.findById(userId).lean();
    expect(stored).toMatchObject({
      balance: 5,
      counts: { 'lesson~completed': 1 },
      lastActiveWeek: '2026-W48',
      weeks: { '2026-W48': 1 },
    });
  });

  it('reverts an application once (a debit whose entry lost the race for its key)', async () => {
    const userId = new Types.ObjectId();
    await a.applyToWallet(userId, token(), credit(50));
    const spent = token();
    await a.applyToWallet(userId, spent, debit(20));
    const reverts = await allAtOnce(5, (i) => (i % 2 ? a : b).revertOnWallet(userId, spent, debit(20).delta));
    expect(reverts.filter((r) => r.status === 'fulfilled' && r.value)).toHaveLength(1);
    expect((await a.getWallet(userId)).balance).toBe(50);
  });

  it('replaces balances only while the wallet still holds what was summed against', async () => {
    const userId = new Types.ObjectId();
    await a.applyToWallet(userId, token(), credit(10));
    const seen = await a.getWallet(userId);
    await b.applyToWallet(userId, token(), credit(1)); // an award lands meanwhile
    expect(await a.replaceBalances(userId, seen, { balance: 99, lifetime: 99, qualifying: 99 })).toBe(false);
    expect(
      await a.replaceBalances(userId, await a.getWallet(userId), { balance: 11, lifetime: 11, qualifying: 11 }),
    ).toBe(true);
  });
});
