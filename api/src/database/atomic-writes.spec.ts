import { Model, Schema, trusted } from 'mongoose';
import { AtomicWrites } from './atomic-writes';
import { allAtOnce, RealDatabase, realDatabase } from './testing/real-database';

interface Account {
  _id: string;
  balance: number;
  status?: string;
  latest?: number[];
}
const AccountSchema = new Schema(
  { _id: String, balance: Number, status: String, latest: [Number] },
  { versionKey: false },
);

/**
 * Conditional updates on the embedded FerretDB, with leases (what a stock FerretDB needs: it loses
 * most of these updates alone) and without (our build serializes one document's writes).
 */
describe('AtomicWrites.updateOne on the embedded FerretDB', () => {
  let db: RealDatabase;
  let accounts: Model<Account>;

  beforeAll(async () => {
    db = await realDatabase();
    accounts = db.model<Account>('Account', AccountSchema);
  });
  afterAll(() => db.close());

  it.each([
    ['one process, Redis leases', 'redis', 1],
    ['two processes sharing Redis leases', 'redis', 2],
    ['two processes sharing lease documents', 'database', 2],
    ['two processes, no leases: the server serializes the writes', 'none', 2],
  ] as const)('debits only while the balance covers them (%s)', async (_, leases, processes) => {
    const writers: AtomicWrites[] = [];
    for (let i = 0; i < processes; i++) writers.push(await db.atomicWrites(leases));
    expect(writers[0].usesLeases).toBe(leases !== 'none');
    const id = `debit-${leases}-${processes}`;
    await accounts.create({ _id: id, balance: 10 });
    const results = await allAtOnce(50, (i) =>
      writers[i % processes].updateOne(accounts, { _id: id, balance: trusted({ $gte: 3 }) }, { $inc: { balance: -3 } }),
    );
    const succeeded = results.filter((r) => r.status === 'fulfilled' && r.value.changed).length;
    expect(succeeded).toBe(3);
    expect((await accounts.findById(id).lean())!.balance).toBe(1);
  });

  it.each(['redis', 'none'] as const)(
    'loses no increment under 200 concurrent ones from two processes (leases: %s)',
    async (leases) => {
      const [a, b] = [await db.atomicWrites(leases), await db.atomicWrites(leases)];
      await allAtOnce(200, (i) =>
        (i % 2 ? a : b).updateOne(accounts, { _id: `counter-${leases}` }, { $inc: { balance: 1 } }, { upsert: true }),
      );
      expect((await accounts.findById(`counter-${leases}`).lean())!.balance).toBe(200);
    },
  );

  it('moves a status out of pending once', async () => {
    const atomic = await db.atomicWrites();
    await accounts.create({ _id: 'request', balance: 0, status: 'pending' });
    const results = await allAtOnce(20, (i) =>
      atomic.updateOne(
        accounts,
        { _id: 'request', status: 'pending' },
        { $set: { status: i % 2 ? 'approved' : 'rejected' } },
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled' && r.value.changed)).toHaveLength(1);
  });

  it('says why nothing changed: the document as it is, or null when there is none', async () => {
    const atomic = await db.atomicWrites();
    await accounts.create({ _id: 'poor', balance: 1 });
    const refused = await atomic.updateOne(
      accounts,
      { _id: 'poor', balance: trusted({ $gte: 5 }) },
      { $inc: { balance: -5 } },
    );
    expect(refused.changed).toBe(false);
    expect(refused.doc).toMatchObject({ balance: 1 });
    const missing = await atomic.updateOne(accounts, { _id: 'nobody' }, { $inc: { balance: 1 } });
    expect(missing).toEqual({ changed: false, doc: null });
  });

  it('creates on upsert (returning null as "before"), and builds the update from the document read', async () => {
    const atomic = await db.atomicWrites();
    const created = await atomic.updateOne(accounts, { _id: 'fresh' }, { $inc: { balance: 7 } }, { upsert: true });
    expect(created).toEqual({ changed: true, doc: null });
    const seen: unknown[] = [];
    const after = await atomic.updateOne(
      accounts,
      { _id: 'fresh' },
      (current) => {
        seen.push(current);
        return { $inc: { balance: 1 } };
      },
      { returnDocument: 'after' },
    );
    expect(after.doc).toMatchObject({ balance: 8 });
    expect(seen).toEqual([expect.objectContaining({ balance: 7 })]); // FerretDB: read under the lease
  });

  it('builds an update from the document read under a lease where leases are taken: exact under concurrency', async () => {
    const [a, b] = [await db.atomicWrites(), await db.atomicWrites()];
    await accounts.create({ _id: 'built', balance: 0 });
    // Each update is built from the balance read: without a lease two could read the same one.
    await allAtOnce(40, (i) =>
      (i % 2 ? a : b).updateOne(accounts, { _id: 'built' }, (current) => ({
        $set: { balance: (current?.balance ?? 0) + 1 },
      })),
    );
    expect((await accounts.findById('built').lean())!.balance).toBe(40);
  });

  it('on our build (hub.6: $push takes $slice) builds the update without a read, as on MongoDB: one exact trip', async () => {
    const [a, b] = [await db.atomicWrites('none'), await db.atomicWrites('none')];
    const seen = new Set<unknown>();
    await allAtOnce(40, (i) =>
      (i % 2 ? a : b).updateOne(
        accounts,
        { _id: 'sliced' },
        (current) => {
          seen.add(current);
          return { $inc: { balance: 1 }, $push: { latest: { $each: [i], $slice: -3 } } };
        },
        { upsert: true },
      ),
    );
    expect([...seen]).toEqual([null]);
    const stored = (await accounts.collection.findOne({ _id: 'sliced' as never }))!;
    expect(stored.balance).toBe(40);
    expect(stored.latest).toHaveLength(3);
  });

  it('lets a primitive run inside run() for the same document without waiting on itself', async () => {
    const atomic = await db.atomicWrites();
    await accounts.create({ _id: 'nested', balance: 0 });
    const done = await atomic.run(accounts, 'nested', () =>
      atomic.updateOne(accounts, { _id: 'nested' }, { $inc: { balance: 1 } }),
    );
    expect(done.changed).toBe(true);
  });
});
