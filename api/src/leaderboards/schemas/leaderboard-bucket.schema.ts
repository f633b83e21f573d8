import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One subject's points on one board in one period; `_id` = board|period|subject. */
@Schema({ collection: 'leaderboard_buckets', versionKey: false })
export class LeaderboardBucket {
  @Prop({ type: String }) _id: string;
  /** `individual:<organizationId>`, `team:<organizationId>` or `organization`. */
  @Prop({ required: true }) board: string;
  /** `week:2026-11-16`, `month:2026-11` or `all`. */
  @Prop({ required: true }) period: string;
  @Prop({ required: true }) subjectId: string;
  @Prop({ default: 0 }) points: number;
  /** The last batch applied here by each writer (process): writer → sequence (see LeaderboardBatch). */
  @Prop({ type: Object }) seq?: Record<string, number>;
}

export const LeaderboardBucketSchema = SchemaFactory.createForClass(LeaderboardBucket);
// A board's top N in one period in the store's order (ties by subject id, descending, like Redis),
// and how many subjects are above a given score (rank): both served by this index on MongoDB.
LeaderboardBucketSchema.index({ board: 1, period: 1, points: -1, subjectId: -1 });

/**
 * A batch of merged increments written before it is applied (see MongoBucketStore): what a crash
 * between the two leaves is applied by the recovery, each bucket at most once thanks to the
 * bucket's per-writer sequence guard. `_id` = writer|sequence.
 */
@Schema({ collection: 'leaderboard_batches', versionKey: false })
export class LeaderboardBatch {
  @Prop({ type: String }) _id: string;
  @Prop({ required: true }) writer: string;
  @Prop({ required: true }) seq: number;
  @Prop({ type: [Object], default: [] }) increments: Array<{
    id: string;
    board: string;
    period: string;
    subjectId: string;
    points: number;
  }>;
  /** The ledger entries whose increments it holds (a retry of one of them finds it here). */
  @Prop({ type: [String], default: [] }) tokens: string[];
  @Prop({ required: true }) createdAt: Date;
  @Prop({ type: Date, default: null }) appliedAt: Date | null;
}

export const LeaderboardBatchSchema = SchemaFactory.createForClass(LeaderboardBatch);
