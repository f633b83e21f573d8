import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  ServiceUnavailableException,
} from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { randomUUID } from 'node:crypto';
import { Model, trusted } from 'mongoose';
import { AtomicWrites } from '../database/atomic-writes';
import { BucketIncrement, LeaderboardStore, Standing } from './leaderboard-store';
import { LeaderboardBatch, LeaderboardBucket } from './schemas/leaderboard-bucket.schema';

/** A batch older than this that is still not applied lost its writer: the recovery applies it. */
const ORPHAN_AFTER_MS = 15_000;
/** Applied batches are kept this long, so that a late retry of one of their entries finds them. */
const KEEP_APPLIED_MS = 60 * 60_000;
/** A replay of an entry younger than this (not in any written batch) waits for the posting sweep. */
const REPLAY_AFTER_MS = 30_000;

interface Batch {
  increments: Map<string, BucketIncrement>;
  tokens: string[];
  waiters: Array<{ resolve: () => void; reject: (error: Error) => void }>;
  seq?: number;
}

const bucketId = (change: Pick<BucketIncrement, 'board' | 'period' | 'subjectId'>) =>
  `${change.board}|${change.period}|${change.subjectId}`;

/**
 * Board totals as MongoDB documents keyed by board|period|subject, moved with `$inc` at award
 * time and never computed from the ledger on read. For deployments that choose MongoDB only
 * (`REDIS_URL=none`): on MongoDB an index serves the top N and the rank; on the embedded FerretDB
 * they scan every bucket (instant at demo size, seconds at hundreds of thousands of buckets).
 *
 * An award moves up to nine buckets. A batch is written as soon as the writer is free, and what
 * arrives meanwhile joins the next one, merged per bucket (under load, a burst of awards to one
 * organization becomes a handful of updates). Exactly once, whatever crashes:
 * - a batch is first written whole to `leaderboard_batches` (writer id + sequence), then applied;
 * - each bucket update carries the writer's sequence (`seq.<writer>`) and applies only when the
 *   bucket has not seen that sequence or a later one, so applying a batch again changes nothing;
 * - a writer applies its batches strictly in order: while one cannot be applied (database down)
 *   the writer stalls and refuses new increments (their postings stay unfinished and retry);
 * - a batch left unapplied by a dead writer is applied by the recovery on any instance;
 * - a retried entry whose token is in a written batch is left to that batch; one whose increments
 *   this process still holds joins them; a young one that no written batch holds (another process
 *   may hold it unwritten) is left to the posting sweep, which replays it only after 30 s.
 * Any doubt about whether a batch was written (a failed insert) starts a new writer id, so a
 * batch that was written after all can never be overtaken by a later one of the same writer.
 */
@Injectable()
export class MongoBucketStore implements LeaderboardStore, OnApplicationBootstrap, OnApplicationShutdown {
  readonly batchesWrites = true;
  private readonly logger = new Logger(MongoBucketStore.name);
  private writer = randomUUID().slice(0, 12);
  private nextSeq = 1;
  private pending: Batch = this.emptyBatch();
  private stalled?: Batch;
  private timer?: NodeJS.Timeout;
  private recovery?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** Entries whose increments this process holds in a batch not yet applied (token → its outcome). */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    @InjectModel(LeaderboardBucket.name) private readonly buckets: Model<LeaderboardBucket>,
    @InjectModel(LeaderboardBatch.name) private readonly batches: Model<LeaderboardBatch>,
    private readonly atomic: AtomicWrites,
  ) {}

  onApplicationBootstrap(): void {
    this.recovery = setInterval(() => void this.recover().catch(() => undefined), ORPHAN_AFTER_MS);
    this.recovery.unref();
  }

  async apply(token: string, changes: BucketIncrement[], redo: boolean): Promise<void> {
    if (!changes.length) return;
    const mine = this.inFlight.get(token);
    if (mine) return mine; // a replay while this process still holds the entry's increments
    if (this.stalled) throw new ServiceUnavailableException('Leaderboards are catching up; try again shortly');
    if (redo) {
      if (await this.batches.exists({ tokens: token }).exec()) return; // its batch applies it
      // Another process may still hold this entry's increments in a batch it has not written yet:
      // leave the entry to the sweep, which comes after any such batch is written or dropped.
      if (Date.now() - parseInt(token.slice(0, 8), 16) * 1000 < REPLAY_AFTER_MS) {
        throw new Error(`Board increments of ${token} may still be in flight; the sweep applies them`);
      }
    }
    const applied = new Promise<void>((resolve, reject) => {
      for (const change of changes) {
        const id = bucketId(change);
        const current = this.pending.increments.get(id);
        this.pending.increments.set(
          id,
          current ? { ...current, points: current.points + change.points } : { ...change },
        );
      }
      this.pending.tokens.push(token);
      this.pending.waiters.push({ resolve, reject });
      // Group commit: written as soon as the writer is free; what arrives meanwhile joins the next batch.
      this.timer ??= setTimeout(() => void this.flush(), 0);
    });
    this.inFlight.set(token, applied);
    const forget = () => this.inFlight.delete(token);
    void applied.then(forget, forget);
    return applied;
  }

  /** Writes everything gathered so far; resolves once it is stored (or has failed). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.flushOnce());
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    if (this.stalled) await this.retryStalled();
    if (this.stalled || !this.pending.increments.size) return;
    const batch = this.pending;
    this.pending = this.emptyBatch();
    batch.seq = this.nextSeq;
    try {
      await this.batches.create({
        _id: `${this.writer}|${batch.seq}`,
        writer: this.writer,
        seq: batch.seq,
        increments: [...batch.increments].map(([id, change]) => ({ id, ...change })),
        tokens: batch.tokens,
        createdAt: new Date(),
        appliedAt: null,
      });
      this.nextSeq++;
    } catch (error) {
      // Written or not, we cannot tell: a new writer id keeps the sequences unambiguous.
      this.writer = randomUUID().slice(0, 12);
      this.nextSeq = 1;
      batch.waiters.forEach((waiter) => waiter.reject(error as Error));
      return;
    }
    await this.applyWritten(batch);
  }

  private async applyWritten(batch: Batch): Promise<void> {
    try {
      await this.applyBatch(this.writer, batch.seq!, [...batch.increments.values()]);
      this.stalled = undefined;
      batch.waiters.forEach((waiter) => waiter.resolve());
    } catch (error) {
      this.stalled = batch;
      batch.waiters.forEach((waiter) => waiter.reject(error as Error));
      this.timer ??= setTimeout(() => void this.flush(), 1_000);
      this.logger.warn(`Leaderboard batch ${this.writer}|${batch.seq} waits: ${(error as Error).message}`);
    }
    batch.waiters = [];
  }

  private async retryStalled(): Promise<void> {
    await this.applyWritten(this.stalled!);
  }

  /** Applies one written batch, each bucket at most once, then marks the batch applied. */
  private async applyBatch(writer: string, seq: number, increments: BucketIncrement[]): Promise<void> {
    // One update at a time: FerretDB runs a bulk write as one long SQLite write transaction, and
    // a flush of ~2,000 buckets held every other write (awards included) waiting on that lock.
    for (const change of increments) {
      const id = bucketId(change);
      const guard = `seq.${writer}`;
      await this.atomic.updateOne(
        this.buckets,
        { _id: id, [guard]: trusted({ $not: { $gte: seq } }) },
        {
          $inc: { points: change.points },
          $set: { [guard]: seq },
          $setOnInsert: { board: change.board, period: change.period, subjectId: change.subjectId },
        },
        { upsert: true },
      );
    }
    await this.batches.updateOne({ _id: `${writer}|${seq}` }, { $set: { appliedAt: new Date() } }).exec();
  }

  /** Applies batches whose writer died before applying them, and forgets old applied ones. */
  async recover(now = Date.now()): Promise<number> {
    const orphans = await this.batches
      .find({ appliedAt: null, createdAt: trusted({ $lt: new Date(now - ORPHAN_AFTER_MS) }) })
      .sort({ writer: 1, seq: 1 })
      .lean<LeaderboardBatch[]>()
      .exec();
    for (const batch of orphans) await this.applyBatch(batch.writer, batch.seq, batch.increments);
    await this.batches.deleteMany({ appliedAt: trusted({ $lt: new Date(now - KEEP_APPLIED_MS) }) }).exec();
    if (orphans.length) this.logger.warn(`Applied ${orphans.length} leaderboard batch(es) left by a stopped writer`);
    return orphans.length;
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
    await this.batches.deleteMany({}).exec();
    for (let i = 0; i < buckets.length; i += 1000) {
      const docs = buckets.slice(i, i + 1000).map((b) => ({ _id: bucketId(b), ...b }));
      await this.buckets.insertMany(docs, { ordered: false, lean: true });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.recovery);
    await this.flush().catch(() => undefined);
  }

  private emptyBatch(): Batch {
    return { increments: new Map(), tokens: [], waiters: [] };
  }
}
