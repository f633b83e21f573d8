import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** A member's referral code. `_id` is the code itself, so a code names one member. */
@Schema({ collection: 'referral_codes', versionKey: false })
export class ReferralCode {
  @Prop({ type: String }) _id: string;
  @Prop({ type: Types.ObjectId, required: true }) userId: Types.ObjectId;
  @Prop({ type: Date, default: () => new Date() }) createdAt: Date;
}
export const ReferralCodeSchema = SchemaFactory.createForClass(ReferralCode);

/** The code a member shares (`_id`: the member's id), set once whatever the concurrency. */
@Schema({ collection: 'referrers', versionKey: false })
export class Referrer {
  _id: Types.ObjectId;
  @Prop({ type: String, default: null }) code: string | null;
}
export const ReferrerSchema = SchemaFactory.createForClass(Referrer);

export const REFERRAL_STATUSES = ['joined', 'converted'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** Who referred whom. `_id` is the referee: a member is referred once. */
@Schema({ collection: 'referrals', versionKey: false })
export class Referral {
  _id: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) referrerId: Types.ObjectId;
  @Prop({ required: true }) code: string;
  @Prop({ required: true, enum: REFERRAL_STATUSES }) status: ReferralStatus;
  @Prop({ required: true }) joinedAt: Date;
  @Prop({ type: Date, default: null }) convertedAt: Date | null;
  @Prop({ default: 0 }) points: number;
}
export const ReferralSchema = SchemaFactory.createForClass(Referral);
// A referrer's referrals, newest first, and their conversions (GET /me/referral).
ReferralSchema.index({ referrerId: 1, _id: -1 });
