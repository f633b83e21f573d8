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
import { AnalyticsBatch, AnalyticsRollup } from './schemas/analytics.schema';

/** A batch older than this that is still not applied lost its writer: the recovery applies it. */
const ORPHAN_AFTER_MS = 15_000;
/** Applied batches are kept this long, so that a late replay of one of their facts finds them. */
const KEEP_APPLIED_MS = 60 * 60_000;
/** A replay of a fact younger than this (in no written batch) waits for the posting sweep. */
const REPLAY_AFTER_MS = 30_000;

/** `$inc` paths for one rollup document. */
export type RollupIncrements = Map<string, Record<string, number>>;

interface Batch {
  increments: RollupIncrements;
  tokens: string[];
  waiters: Array<{ resolve: () => void; reject: (error: Error) => void }>;
  seq?: number;
}

/**
 * Applies rollup increments exactly once per fact, cheaply: every ledger entry moves three
 * documents (its organization's month, the program's month, the balances), so increments are
 * merged per document into batches written as soon as the writer is free — a burst of awards
 * becomes a handful of updates. The same protocol as the leaderboards' MongoBucketStore:
 * - a batch is first written whole to `analytics_batches` (writer id + sequence), then applied;
 * - each document update carries the writer's sequence (`seq.<writer>`) and applies only when the
 *   document has not seen that sequence or a later one, so applying a batch again changes nothing;
 * - a writer applies its batches in order; while one cannot be applied it stalls and refuses more
 *   (their postings stay unfinished and are replayed);
 * - a batch left unapplied by a dead writer is applied by the recovery on any instance;
 * - a replayed fact found in a written batch is left to it; one this process holds joins it; a
 *   young one in no written batch is left to the sweep (another process may hold it unwritten).
 */
@Injectable()
export class RollupWriter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RollupWriter.name);
  private writer = randomUUID().slice(0, 12);
  private nextSeq = 1;
  private pending: Batch = this.emptyBatch();
  private stalled?: Batch;
  private timer?: NodeJS.Timeout;
  private recovery?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    @InjectModel(AnalyticsRollup.name) private readonly rollups: Model<AnalyticsRollup>,
    @InjectModel(AnalyticsBatch.name) private readonly batches: Model<AnalyticsBatch>,
    private readonly atomic: AtomicWrites,
  ) {}

  onApplicationBootstrap(): void {
    this.recovery = setInterval(() => void this.recover().catch(() => undefined), ORPHAN_AFTER_MS);
    this.recovery.unref();
  }

  /**
   * Hands over a fact's increments; resolves once they are stored. `token` names the fact (a
   * ledger entry id, a response token; its first 8 hex digits are its creation time).
   */
  async apply(token: string, increments: RollupIncrements, redo: boolean): Promise<void> {
    if (!increments.size) return;
    const mine = this.inFlight.get(token);
    if (mine) return mine;
    if (this.stalled) throw new ServiceUnavailableException('Analytics are catching up; try again shortly');
    if (redo) {
      if (await this.batches.exists({ tokens: token }).exec()) return;
      if (Date.now() - parseInt(token.slice(0, 8), 16) * 1000 < REPLAY_AFTER_MS) {
        throw new Error(`Rollup increments of ${token} may still be in flight; the sweep applies them`);
      }
    }
    const applied = new Promise<void>((resolve, reject) => {
      for (const [id, inc] of increments) {
        const current = this.pending.increments.get(id) ?? {};
        for (const [path, by] of Object.entries(inc)) current[path] = (current[path] ?? 0) + by;
        this.pending.increments.set(id, current);
      }
      this.pending.tokens.push(token);
      this.pending.waiters.push({ resolve, reject });
      this.timer ??= setTimeout(() => void this.flush(), 0);
    });
    this.inFlight.set(token, applied);
    const forget = () => this.inFlight.delete(token);
    void applied.then(forget, forget);
    return applied;
  }

  /** Whether a written batch holds this fact's increments (applied, or left for the recovery). */
  async written(token: string): Promise<boolean> {
    return (await this.batches.exists({ tokens: token }).exec()) !== null;
  }

  /** Writes everything gathered so far; resolves once it is stored (or has failed). Reads call it first. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.flushOnce());
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    if (this.stalled) await this.applyWritten(this.stalled);
    if (this.stalled || !this.pending.increments.size) return;
    const batch = this.pending;
    this.pending = this.emptyBatch();
    batch.seq = this.nextSeq;
    try {
      await this.batches.create({
        _id: `${this.writer}|${batch.seq}`,
        writer: this.writer,
        seq: batch.seq,
        increments: [...batch.increments].map(([id, inc]) => ({ id, inc: toPairs(inc) })),
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
      const increments = [...batch.increments].map(([id, inc]) => ({ id, inc: toPairs(inc) }));
      await this.applyBatch(this.writer, batch.seq!, increments);
      this.stalled = undefined;
      batch.waiters.forEach((waiter) => waiter.resolve());
    } catch (error) {
      this.stalled = batch;
      batch.waiters.forEach((waiter) => waiter.reject(error as Error));
      this.timer ??= setTimeout(() => void this.flush(), 1_000);
      this.logger.warn(`Analytics batch ${this.writer}|${batch.seq} waits: ${(error as Error).message}`);
    }
    batch.waiters = [];
  }

  /** Applies one written batch, each document at most once, then marks the batch applied. */
  private async applyBatch(writer: string, seq: number, increments: AnalyticsBatch['increments']): Promise<void> {
    // One update at a time: FerretDB runs a bulk write as one long SQLite write transaction.
    for (const { id, inc } of increments) {
      const guard = `seq.${writer}`;
      await this.atomic.updateOne(
        this.rollups,
        { _id: id, [guard]: trusted({ $not: { $gte: seq } }) },
        { $inc: Object.fromEntries(inc.map((pair) => [pair.p, pair.n])), $set: { [guard]: seq } },
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
      .lean<AnalyticsBatch[]>()
      .exec();
    for (const batch of orphans) await this.applyBatch(batch.writer, batch.seq, batch.increments);
    await this.batches.deleteMany({ appliedAt: trusted({ $lt: new Date(now - KEEP_APPLIED_MS) }) }).exec();
    if (orphans.length) this.logger.warn(`Applied ${orphans.length} analytics batch(es) left by a stopped writer`);
    return orphans.length;
  }

  /** Replaces every rollup (the rebuild). Not atomic: figures read as empty for a moment. */
  async replaceAll(documents: AnalyticsRollup[]): Promise<void> {
    await this.flush();
    await this.rollups.deleteMany({}).exec();
    await this.batches.deleteMany({}).exec();
    for (let i = 0; i < documents.length; i += 500) {
      await this.rollups.insertMany(documents.slice(i, i + 500), { ordered: false, lean: true });
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

const toPairs = (inc: Record<string, number>) => Object.entries(inc).map(([p, n]) => ({ p, n }));
