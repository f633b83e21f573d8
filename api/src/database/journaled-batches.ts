import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Model, trusted } from 'mongoose';
import { AtomicWrites } from './atomic-writes';

/** A batch older than this that is still not applied lost its writer: the recovery applies it. */
const ORPHAN_AFTER_MS = 15_000;
/** Applied batches are kept this long, so that a late replay of one of their facts finds them. */
const KEEP_APPLIED_MS = 60 * 60_000;
/** A replay of a fact younger than this (in no written batch) waits for the posting sweep. */
const REPLAY_AFTER_MS = 30_000;

/** A batch as stored, before it is applied: `E` is one document's increments as the batch keeps them. */
export interface StoredBatch<E> {
  _id: string;
  writer: string;
  seq: number;
  increments: E[];
  tokens: string[];
  createdAt: Date;
  appliedAt: Date | null;
}

/** What one user of the protocol says about its documents (`I`: one document's increments in memory). */
export interface JournaledBatchTarget<I, E> {
  /** Names the writer in its messages ("Leaderboard", "Analytics"). */
  label: string;
  /** The documents the increments move. */
  documents: Model<never>;
  /** Where the batches are written before they are applied. */
  batches: Model<StoredBatch<unknown>>;
  /** `next` added to what is pending for the same document (`current` undefined: nothing yet). */
  merge(current: I | undefined, next: I): I;
  /** One document's increments as the batch stores them. */
  toStored(id: string, increments: I): E;
  /** A stored entry as its document's `_id` and update (`$inc`, and `$setOnInsert` where needed). */
  updateOf(entry: E): { id: string; update: Record<string, unknown> };
}

interface Batch<I> {
  increments: Map<string, I>;
  tokens: string[];
  waiters: Array<{ resolve: () => void; reject: (error: Error) => void }>;
  seq?: number;
}

/**
 * Applies increments exactly once per fact, cheaply: increments are merged per document into
 * batches written as soon as the writer is free, so a burst of facts becomes a handful of updates.
 * Exactly once, whatever crashes:
 * - a batch is first written whole (writer id + sequence), then applied;
 * - each document update carries the writer's sequence (`seq.<writer>`) and applies only when the
 *   document has not seen that sequence or a later one, so applying a batch again changes nothing;
 * - a writer applies its batches strictly in order: while one cannot be applied (database down)
 *   it stalls and refuses new increments (their postings stay unfinished and are replayed);
 * - a batch left unapplied by a dead writer is applied by the recovery on any instance;
 * - a replayed fact whose token is in a written batch is left to that batch; one whose increments
 *   this process still holds joins them; a young one in no written batch (another process may
 *   hold it unwritten) is left to the posting sweep, which replays it only after 30 s.
 * Any doubt about whether a batch was written (a failed insert) starts a new writer id, so a batch
 * that was written after all can never be overtaken by a later one of the same writer.
 *
 * Used by the leaderboards' MongoBucketStore and the analytics RollupWriter; they own the models
 * and the lifecycle (`start`, `stop`).
 */
export class JournaledBatchWriter<I, E> {
  private readonly logger: Logger;
  private writer = randomUUID().slice(0, 12);
  private nextSeq = 1;
  private pending: Batch<I> = this.emptyBatch();
  private stalled?: Batch<I>;
  private timer?: NodeJS.Timeout;
  private recovery?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  /** Facts whose increments this process holds in a batch not yet applied (token → its outcome). */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly atomic: AtomicWrites,
    private readonly target: JournaledBatchTarget<I, E>,
  ) {
    this.logger = new Logger(`${target.label}Batches`);
  }

  /** Starts the recovery of batches left by stopped writers (every ORPHAN_AFTER_MS). */
  start(): void {
    this.recovery = setInterval(() => void this.recover().catch(() => undefined), ORPHAN_AFTER_MS);
    this.recovery.unref();
  }

  /** Stops the recovery and writes what is pending. */
  async stop(): Promise<void> {
    clearInterval(this.recovery);
    await this.flush().catch(() => undefined);
  }

  /**
   * Hands over a fact's increments (document id → increments); resolves once they are stored.
   * `token` names the fact (a ledger entry id, a response token; its first 8 hex digits are its
   * creation time); `redo`: a replay of it.
   */
  async apply(token: string, increments: Map<string, I>, redo: boolean): Promise<void> {
    if (!increments.size) return;
    const mine = this.inFlight.get(token);
    if (mine) return mine; // a replay while this process still holds the fact's increments
    if (this.stalled)
      throw new ServiceUnavailableException(`${this.target.label} figures are catching up; try again shortly`);
    if (redo) {
      if (await this.written(token)) return; // its batch applies it
      if (Date.now() - parseInt(token.slice(0, 8), 16) * 1000 < REPLAY_AFTER_MS) {
        throw new Error(`${this.target.label} increments of ${token} may still be in flight; the sweep applies them`);
      }
    }
    const applied = new Promise<void>((resolve, reject) => {
      for (const [id, next] of increments) {
        this.pending.increments.set(id, this.target.merge(this.pending.increments.get(id), next));
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

  /** Whether a written batch holds this fact's increments (applied, or left for the recovery). */
  async written(token: string): Promise<boolean> {
    return (await this.target.batches.exists({ tokens: token }).exec()) !== null;
  }

  /** Writes everything gathered so far; resolves once it is stored (or has failed). Reads call it first. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.flushOnce());
    return this.flushing;
  }

  /** Applies batches whose writer died before applying them, and forgets old applied ones. */
  async recover(now = Date.now()): Promise<number> {
    const orphans = await this.target.batches
      .find({ appliedAt: null, createdAt: trusted({ $lt: new Date(now - ORPHAN_AFTER_MS) }) })
      .sort({ writer: 1, seq: 1 })
      .lean<Array<StoredBatch<E>>>()
      .exec();
    for (const batch of orphans) await this.applyBatch(batch.writer, batch.seq, batch.increments);
    await this.target.batches.deleteMany({ appliedAt: trusted({ $lt: new Date(now - KEEP_APPLIED_MS) }) }).exec();
    if (orphans.length) {
      this.logger.warn(
        `Applied ${orphans.length} ${this.target.label.toLowerCase()} batch(es) left by a stopped writer`,
      );
    }
    return orphans.length;
  }

  /** Writes what is pending, then forgets every batch (a rebuild replaces the documents). */
  async clear(): Promise<void> {
    await this.flush();
    await this.target.batches.deleteMany({}).exec();
  }

  private async flushOnce(): Promise<void> {
    if (this.stalled) await this.applyWritten(this.stalled);
    if (this.stalled || !this.pending.increments.size) return;
    const batch = this.pending;
    this.pending = this.emptyBatch();
    batch.seq = this.nextSeq;
    try {
      await this.target.batches.create({
        _id: `${this.writer}|${batch.seq}`,
        writer: this.writer,
        seq: batch.seq,
        increments: this.storedOf(batch),
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

  private async applyWritten(batch: Batch<I>): Promise<void> {
    try {
      await this.applyBatch(this.writer, batch.seq!, this.storedOf(batch));
      this.stalled = undefined;
      batch.waiters.forEach((waiter) => waiter.resolve());
    } catch (error) {
      this.stalled = batch;
      batch.waiters.forEach((waiter) => waiter.reject(error as Error));
      this.timer ??= setTimeout(() => void this.flush(), 1_000);
      this.logger.warn(`${this.target.label} batch ${this.writer}|${batch.seq} waits: ${(error as Error).message}`);
    }
    batch.waiters = [];
  }

  /** Applies one written batch, each document at most once, then marks the batch applied. */
  private async applyBatch(writer: string, seq: number, entries: E[]): Promise<void> {
    // One update at a time: FerretDB runs a bulk write as one long SQLite write transaction, and
    // a flush of ~2,000 documents held every other write (awards included) waiting on that lock.
    const guard = `seq.${writer}`;
    for (const entry of entries) {
      const { id, update } = this.target.updateOf(entry);
      await this.atomic.updateOne(
        this.target.documents,
        { _id: id, [guard]: trusted({ $not: { $gte: seq } }) },
        { ...update, $set: { ...(update.$set as object | undefined), [guard]: seq } } as never,
        { upsert: true },
      );
    }
    await this.target.batches.updateOne({ _id: `${writer}|${seq}` }, { $set: { appliedAt: new Date() } }).exec();
  }

  private storedOf(batch: Batch<I>): E[] {
    return [...batch.increments].map(([id, increments]) => this.target.toStored(id, increments));
  }

  private emptyBatch(): Batch<I> {
    return { increments: new Map(), tokens: [], waiters: [] };
  }
}
