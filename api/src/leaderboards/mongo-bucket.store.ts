import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { AtomicWrites } from '../database/atomic-writes';
import { JournaledBatchWriter } from '../database/journaled-batches';
import { BucketIncrement, LeaderboardStore, Standing } from './leaderboard-store';
import { LeaderboardBatch, LeaderboardBucket } from './schemas/leaderboard-bucket.schema';

const bucketId = (change: Pick<BucketIncrement, 'board' | 'period' | 'subjectId'>) =>
  `${change.board}|${change.period}|${change.subjectId}`;

/** One bucket's increment as a batch in `leaderboard_batches` stores it. */
type StoredBucketIncrement = BucketIncrement & { id: string };

const addPoints = (current: BucketIncrement | undefined, next: BucketIncrement): BucketIncrement =>
  current ? { ...current, points: current.points + next.points } : { ...next };

/**
 * Board totals as MongoDB documents keyed by board|period|subject, moved with `$inc` at award
 * time and never computed from the ledger on read. For deployments that choose MongoDB only
 * (`REDIS_URL=none`): on MongoDB an index serves the top N and the rank; on the embedded FerretDB
 * they scan every bucket (instant at demo size, seconds at hundreds of thousands of buckets).
 *
 * An award moves up to nine buckets. They are applied exactly once, merged per bucket into
 * batches journaled in `leaderboard_batches` (JournaledBatchWriter: under load, a burst of awards
 * to one organization becomes a handful of updates).
 */
@Injectable()
export class MongoBucketStore implements LeaderboardStore, OnApplicationBootstrap, OnApplicationShutdown {
  readonly batchesWrites = true;
  private readonly writer: JournaledBatchWriter<BucketIncrement, StoredBucketIncrement>;

  constructor(
    @InjectModel(LeaderboardBucket.name) private readonly buckets: Model<LeaderboardBucket>,
    @InjectModel(LeaderboardBatch.name) batches: Model<LeaderboardBatch>,
    atomic: AtomicWrites,
  ) {
    this.writer = new JournaledBatchWriter(atomic, {
      label: 'Leaderboard',
      documents: buckets as never,
      batches: batches as never,
      merge: addPoints,
      toStored: (id, change) => ({ id, ...change }),
      updateOf: ({ id, board, period, subjectId, points }) => ({
        id,
        update: { $inc: { points }, $setOnInsert: { board, period, subjectId } },
      }),
    });
  }

  onApplicationBootstrap(): void {
    this.writer.start();
  }

  async apply(token: string, changes: BucketIncrement[], redo: boolean): Promise<void> {
    const byBucket = new Map<string, BucketIncrement>();
    for (const change of changes) byBucket.set(bucketId(change), addPoints(byBucket.get(bucketId(change)), change));
    await this.writer.apply(token, byBucket, redo);
  }

  /** Writes everything gathered so far; resolves once it is stored (or has failed). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  recover(now = Date.now()): Promise<number> {
    return this.writer.recover(now);
  }

  async top(board: string, period: string, limit: number): Promise<Standing[]> {
    await this.flush();
    const rows = await this.buckets
      .find({ board, period })
      .sort({ points: -1, subjectId: -1 })
      .limit(limit)
      .lean<LeaderboardBucket[]>()
      .exec();
    return rows.map((row) => ({ subjectId: row.subjectId, points: row.points }));
  }

  async standing(board: string, period: string, subjectId: string): Promise<{ rank: number; points: number }> {
    await this.flush();
    const mine = await this.buckets.findById(`${board}|${period}|${subjectId}`).lean<LeaderboardBucket>().exec();
    const points = mine?.points ?? 0;
    const above = await this.buckets.countDocuments({ board, period, points: trusted({ $gt: points }) }).exec();
    return { rank: above + 1, points };
  }

  /** Not atomic: boards read as empty for the moment between the two steps. */
  async replaceAll(buckets: BucketIncrement[]): Promise<void> {
    await this.writer.clear();
    await this.buckets.deleteMany({}).exec();
    for (let i = 0; i < buckets.length; i += 1000) {
      const docs = buckets.slice(i, i + 1000).map((b) => ({ _id: bucketId(b), ...b }));
      await this.buckets.insertMany(docs, { ordered: false, lean: true });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.writer.stop();
  }
}
