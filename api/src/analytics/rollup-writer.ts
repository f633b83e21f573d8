import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { AtomicWrites } from '../database/atomic-writes';
import { JournaledBatchWriter } from '../database/journaled-batches';
import { AnalyticsBatch, AnalyticsRollup } from './schemas/analytics.schema';

/** `$inc` paths for one rollup document. */
export type RollupIncrements = Map<string, Record<string, number>>;

/** One rollup document's increments as a batch in `analytics_batches` stores them. */
type StoredRollupIncrements = AnalyticsBatch['increments'][number];

/**
 * Applies rollup increments exactly once per fact, cheaply: every ledger entry moves three
 * documents (its organization's month, the program's month, the balances), so increments are
 * merged per document into batches journaled in `analytics_batches` (JournaledBatchWriter, the
 * protocol the leaderboards' MongoBucketStore uses too) — a burst of awards becomes a handful of
 * updates.
 */
@Injectable()
export class RollupWriter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly writer: JournaledBatchWriter<Record<string, number>, StoredRollupIncrements>;

  constructor(
    @InjectModel(AnalyticsRollup.name) private readonly rollups: Model<AnalyticsRollup>,
    @InjectModel(AnalyticsBatch.name) batches: Model<AnalyticsBatch>,
    atomic: AtomicWrites,
  ) {
    this.writer = new JournaledBatchWriter(atomic, {
      label: 'Analytics',
      documents: rollups as never,
      batches: batches as never,
      merge: (current, next) => {
        const sum = { ...current };
        for (const [path, by] of Object.entries(next)) sum[path] = (sum[path] ?? 0) + by;
        return sum;
      },
      toStored: (id, inc) => ({ id, inc: Object.entries(inc).map(([p, n]) => ({ p, n })) }),
      updateOf: ({ id, inc }) => ({ id, update: { $inc: Object.fromEntries(inc.map((pair) => [pair.p, pair.n])) } }),
    });
  }

  onApplicationBootstrap(): void {
    this.writer.start();
  }

  /**
   * Hands over a fact's increments; resolves once they are stored. `token` names the fact (a
   * ledger entry id, a response token; its first 8 hex digits are its creation time).
   */
  apply(token: string, increments: RollupIncrements, redo: boolean): Promise<void> {
    return this.writer.apply(token, increments, redo);
  }

  /** Whether a written batch holds this fact's increments (applied, or left for the recovery). */
  written(token: string): Promise<boolean> {
    return this.writer.written(token);
  }

  /** Writes everything gathered so far; resolves once it is stored (or has failed). Reads call it first. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Applies batches whose writer died before applying them, and forgets old applied ones. */
  recover(now = Date.now()): Promise<number> {
    return this.writer.recover(now);
  }

  /** Replaces every rollup (the rebuild). Not atomic: figures read as empty for a moment. */
  async replaceAll(documents: AnalyticsRollup[]): Promise<void> {
    await this.writer.clear();
    await this.rollups.deleteMany({}).exec();
    for (let i = 0; i < documents.length; i += 500) {
      await this.rollups.insertMany(documents.slice(i, i + 500), { ordered: false, lean: true });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.writer.stop();
  }
}
