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
}

export const LeaderboardBucketSchema = SchemaFactory.createForClass(LeaderboardBucket);
// A board's top N in one period in the store's order (ties by subject id, descending, like Redis),
// and how many subjects are above a given score (rank): both served by this index on MongoDB.
LeaderboardBucketSchema.index({ board: 1, period: 1, points: -1, subjectId: -1 });
