import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { BucketIncrement, LeaderboardStore, Standing } from './leaderboard-store';
import { LeaderboardBucket } from './schemas/leaderboard-bucket.schema';

const FLUSH_MS = 250;

/**
 * Board totals as MongoDB documents keyed by board|period|subject, moved with `$inc` at award
 * time and never computed from the ledger on read.
 *
 * An award moves nine buckets (three boards × week, month, all time), and on FerretDB an update
 * costs more server CPU than the award's own ledger insert, so increments are gathered in memory
 * and written every FLUSH_MS, merged per bucket: a burst of awards to one organization becomes a
 * handful of updates. Under heavy load the boards lag rather than slow the awards. Reads flush
 * first. A crash loses at most FLUSH_MS of increments, which `leaderboards:rebuild` restores from
 * the ledger.
 *
 * On MongoDB the `{board, period, points, subjectId}` index serves the top N and the rank. FerretDB
 * scans every bucket for them (it pushes down only `_id` equality): fine at demo sizes, seconds at
 * hundreds of thousands of buckets — deployments of that size set REDIS_URL or run MongoDB.
 */
@Injectable()
export class MongoBucketStore implements LeaderboardStore, OnApplicationShutdown {
  private readonly logger = new Logger(MongoBucketStore.name);
  private pending = new Map<string, BucketIncrement>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(@InjectModel(LeaderboardBucket.name) private readonly buckets: Model<LeaderboardBucket>) {}

  increment(changes: BucketIncrement[]): void {
    for (const change of changes) {
      const id = `${change.board}|${change.period}|${change.subjectId}`;
      const current = this.pending.get(id);
      this.pending.set(id, current ? { ...current, points: current.points + change.points } : { ...change });
    }
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes everything gathered so far; resolves once it is stored. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.flushing.then(async () => {
      // One update at a time: FerretDB runs a bulk write as one long SQLite write transaction, and
      // a flush of ~2,000 buckets held every other write (awards included) waiting on that lock —
      // measured: ingest stopped entirely under load. Short transactions keep awards flowing.
      for (const [id, change] of batch) {
        try {
          await this.buckets
            .updateOne(
              { _id: id },
              {
                $inc: { points: change.points },
                $setOnInsert: { board: change.board, period: change.period, subjectId: change.subjectId },
              },
              { upsert: true },
            )
            .exec();
        } catch (error) {
          this.logger.error(`Could not store leaderboard increment ${id}`, (error as Error).stack);
        }
      }
    });
    return this.flushing;
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
    await this.flush();
    await this.buckets.deleteMany({}).exec();
    for (let i = 0; i < buckets.length; i += 1000) {
      const docs = buckets.slice(i, i + 1000).map((b) => ({ _id: `${b.board}|${b.period}|${b.subjectId}`, ...b }));
      await this.buckets.insertMany(docs, { ordered: false, lean: true });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
