import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One scope's month of day counters: `_id` = `<organizationId | program>:<yyyy-MM>` (the month of
 * the scope's zone), `d.<dd>.<counter>` and `d.<dd>.h.<gap>` (see rollups.ts). Read and written
 * by `_id` only, so no index beyond `_id` (FerretDB serves nothing else fast).
 * Also `balance:<organizationId | program>`: the members' balances now (`b`), moved by every
 * ledger entry. Never recomputed on a read.
 */
@Schema({ collection: 'analytics_rollups', versionKey: false })
export class AnalyticsRollup {
  @Prop({ type: String }) _id: string;
  @Prop({ type: Object, default: {} }) d?: Record<string, Record<string, unknown>>;
  @Prop({ type: Number }) b?: number;
  /** The last batch applied here by each writer (process): writer → sequence (see RollupWriter). */
  @Prop({ type: Object }) seq?: Record<string, number>;
}
export const AnalyticsRollupSchema = SchemaFactory.createForClass(AnalyticsRollup);

/**
 * A batch of merged increments, written whole before it is applied (see RollupWriter): a crash
 * between the two leaves it for the recovery. `_id` = writer|sequence.
 */
@Schema({ collection: 'analytics_batches', versionKey: false })
export class AnalyticsBatch {
  @Prop({ type: String }) _id: string;
  @Prop({ required: true }) writer: string;
  @Prop({ required: true }) seq: number;
  /** Per document, its `$inc` as path/amount pairs (a stored key may not hold a dot, nor arrays nest). */
  @Prop({ type: [Object], default: [] }) increments: Array<{ id: string; inc: Array<{ p: string; n: number }> }>;
  /** The facts (ledger entries, responses) whose increments it holds: a replay of one finds it here. */
  @Prop({ type: [String], default: [] }) tokens: string[];
  @Prop({ required: true }) createdAt: Date;
  @Prop({ type: Date, default: null }) appliedAt: Date | null;
}
export const AnalyticsBatchSchema = SchemaFactory.createForClass(AnalyticsBatch);
// The recovery's scan for batches a stopped writer left (and the clean-up of old applied ones).
AnalyticsBatchSchema.index({ appliedAt: 1, createdAt: 1 });
// A replayed fact looks for the batch that holds it.
AnalyticsBatchSchema.index({ tokens: 1 });

/**
 * What analytics keeps per member: `_id` = the user's id. Its sorted active days (the
 * organization's zone, and the program's) give each new day its gap for the distinct-active
 * histogram (rollups.ts `insertDay`); ~365 short strings a year of daily use. `v` orders
 * concurrent writers (a conditional update on the version read). The guards (`applied`) hold,
 * per fact, the histogram changes it decided, so that a replay hands over the same ones. What a
 * member spent on rewards is on their wallet (walletDelta), moved by the debit itself.
 */
@Schema({ collection: 'analytics_members', versionKey: false })
export class AnalyticsMember {
  @Prop({ type: String }) _id: string;
  @Prop({ type: String, default: null }) organizationId: string | null;
  @Prop({ type: [String], default: [] }) days: string[];
  @Prop({ type: [String], default: [] }) pdays: string[];
  @Prop({ default: 0 }) v: number;
  @Prop({ type: Object, default: {} }) applied: Record<string, Record<string, unknown>>;
}
export const AnalyticsMemberSchema = SchemaFactory.createForClass(AnalyticsMember);
