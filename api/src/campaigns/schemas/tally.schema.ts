import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const TALLY_KINDS = ['total', 'organization', 'tier', 'week', 'program-week'] as const;
export type TallyKind = (typeof TALLY_KINDS)[number];

export interface NpsGroups {
  promoters: number;
  passives: number;
  detractors: number;
}

/** One question's running totals: answers, sum of values, count per value or option index, latest texts. */
export interface QuestionTally {
  n?: number;
  sum?: number;
  d?: Record<string, number>;
  latest?: string[];
}

/**
 * Running results, updated with `$inc` when a response is stored (never recomputed from the
 * responses). `_id` names the slice, so every write is an `_id` look-up:
 * `<campaign>` (all), `<campaign>|organization|<id>`, `<campaign>|tier|<key>`,
 * `<campaign>|week|<monday>`, and `program|week|<monday>` (every campaign's first NPS question).
 */
@Schema({ collection: 'campaign_tallies', versionKey: false, minimize: false })
export class Tally {
  @Prop({ type: String }) _id: string;
  @Prop({ type: Types.ObjectId, default: null }) campaignId: Types.ObjectId | null;
  @Prop({ type: String, enum: TALLY_KINDS, required: true }) kind: TallyKind;
  @Prop({ type: String, default: null }) key: string | null;
  @Prop({ default: 0 }) responses: number;
  @Prop({ type: Object }) nps?: Partial<NpsGroups>;
  @Prop({ type: Object }) q?: Record<string, QuestionTally>;
  /** Responses applied here while they are in flight (see database/guards.ts). */
  @Prop({ type: Object }) applied?: Record<string, Record<string, unknown>>;
}
export const TallySchema = SchemaFactory.createForClass(Tally);
// A campaign's breakdowns (by organization, by tier) and weeks, read with the results.
TallySchema.index({ campaignId: 1, kind: 1 });
