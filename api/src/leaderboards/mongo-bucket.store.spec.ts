import { Model, Types } from 'mongoose';
import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
import type { BucketIncrement } from './leaderboard-store';
import { MongoBucketStore } from './mongo-bucket.store';
import {
  LeaderboardBatch,
  LeaderboardBatchSchema,
  LeaderboardBucket,
  LeaderboardBucketSchema,
} from './schemas/leaderboard-bucket.schema';

const token = () => new Types.ObjectId().toHexString();
const change = (subjectId: string, points: number): BucketIncrement => ({
  board: 'individual:org',
  period: 'all',
  subjectId,
  points,
});

describe('MongoBucketStore: each entry moves the boards once (embedded FerretDB)', () => {
  let db: RealDatabase;
  let buckets: Model<LeaderboardBucket>;
  let batches: Model<LeaderboardBatch>;
  let store: MongoBucketStore;

  beforeAll(async () => {
    db = await realDatabase();
    buckets = db.model<LeaderboardBucket>(LeaderboardBucket.name, LeaderboardBucketSchema);
    batches = db.model<LeaderboardBatch>(LeaderboardBatch.name, LeaderboardBatchSchema);
    store = new MongoBucketStore(buckets, batches, await db.atomicWrites());
  });
  afterAll(async () => {
    await store.onApplicationShutdown();
    await db.close();
  });

  it('adds concurrent entries exactly, merged into batches', async () => {
    await allAtOnce(60, (i) => store.apply(token(), [change(`m${i % 3}`, 5)], false));
    const top = await store.top('individual:org', 'all', 10);
    expect(top.map((row) => row.points)).toEqual([100, 100, 100]);
    expect(await batches.countDocuments({ appliedAt: null })).toBe(0);
  });

  it('leaves a retried entry to the batch that already holds it', async () => {
    const entry = token();
    await store.apply(entry, [change('retry', 7)], false);
    await store.apply(entry, [change('retry', 7)], true);
    expect((await store.standing('individual:org', 'all', 'retry')).points).toBe(7);
  });

  it('adds a replay that arrives while this process still holds the increments once, not twice', async () => {
    const entry = token();
    const first = store.apply(entry, [change('pending', 9)], false);
    const replay = store.apply(entry, [change('pending', 9)], true);
    await Promise.all([first, replay]);
    expect((await store.standing('individual:org', 'all', 'pending')).points).toBe(9);
  });

  it('leaves a young replay that no written batch holds to the posting sweep', async () => {
    await expect(store.apply(token(), [change('elsewhere', 4)], true)).rejects.toThrow(/sweep/);
    const old = Types.ObjectId.createFromTime(Math.floor(Date.now() / 1000) - 60).toHexString();
    await store.apply(old, [change('elsewhere', 4)], true); // the sweep's replay, later: applied
    expect((await store.standing('individual:org', 'all', 'elsewhere')).points).toBe(4);
  });

  it('applies a batch its writer left unapplied, once, however often the recovery runs', async () => {
    const increments = [{ id: 'individual:org|all|orphan', ...change('orphan', 11) }];
    await batches.create({
      _id: 'dead-writer|1',
      writer: 'dead-writer',
      seq: 1,
      increments,
      tokens: [token()],
      createdAt: new Date(Date.now() - 60_000),
      appliedAt: null,
    });
    expect(await store.recover()).toBe(1);
    expect(await store.recover()).toBe(0);
    // Even a second copy of the same batch (applied again by another instance) changes nothing.
    await batches.updateOne({ _id: 'dead-writer|1' }, { $set: { appliedAt: null } });
    await store.recover();
    expect((await store.standing('individual:org', 'all', 'orphan')).points).toBe(11);
  });
});
