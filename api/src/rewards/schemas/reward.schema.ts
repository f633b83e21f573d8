import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { AudienceFields } from '../../common/audience/audience.schema';

export const REWARD_KINDS = ['gift-card', 'discount', 'experience', 'donation', 'early-access'] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

/**
 * A code pool's append log: slots `[0, end)` hold uploaded codes (`reward_codes`, `_id`
 * `<rewardId>|<seq>`), `next` is where the next hand-out starts looking.
 */
@Schema({ _id: false })
export class CodePoolState {
  @Prop({ default: 0 }) end: number;
  @Prop({ default: 0 }) next: number;
}

/**
 * A catalog entry. `stock` is what is left (null: unlimited); for a code pool it is the number of
 * codes not yet handed out or held by a redemption in progress. Redemptions take stock with one
 * conditional update of this document (see RewardsRepository.takeStock), whose `applied` guards
 * name the redemption that took it, so taking or giving back is once per redemption.
 */
@Schema({ collection: 'rewards', timestamps: true })
export class Reward {
  _id: Types.ObjectId;
  @Prop({ required: true }) name: string;
  @Prop({ required: true }) description: string;
  @Prop({ required: true, enum: REWARD_KINDS }) kind: RewardKind;
  @Prop({ required: true }) cost: number;
  @Prop({ type: Number, default: null }) stock: number | null;
  @Prop({ type: String, default: null }) minTier: string | null;
  @Prop({ type: Number, default: null }) perMemberLimit: number | null;
  @Prop({ type: AudienceFields, default: () => ({}) }) audience: AudienceFields;
  @Prop({ default: true }) active: boolean;
  /** Fulfilled at once with an uploaded code (gift cards, discount codes). */
  @Prop({ default: false }) codePool: boolean;
  @Prop({ type: CodePoolState, default: () => ({ end: 0, next: 0 }) }) codes: CodePoolState;
  /** Guards of the redemptions that took or gave back stock (database/guards.ts). */
  @Prop({ type: Object }) applied?: Record<string, Record<string, unknown>>;
  @Prop({ type: Types.ObjectId, default: null }) createdBy: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

export const RewardSchema = SchemaFactory.createForClass(Reward);
// The member catalog: active rewards by cost (the audience filter is part of the same query).
RewardSchema.index({ active: 1, cost: 1 });

/**
 * How many of one reward one member holds (pending or fulfilled), for `perMemberLimit`.
 * `_id`: `<rewardId>|<userId>`; raised only while below the limit, once per redemption (guards).
 */
@Schema({ collection: 'reward_holdings', versionKey: false })
export class RewardHolding {
  @Prop({ type: String }) _id: string;
  @Prop({ default: 0 }) count: number;
  @Prop({ type: Object }) applied?: Record<string, Record<string, unknown>>;
}

export const RewardHoldingSchema = SchemaFactory.createForClass(RewardHolding);

/** One uploaded code of a code pool, at position `seq`; `redemptionId` once handed out. */
@Schema({ collection: 'reward_codes', versionKey: false })
export class RewardCode {
  /** `<rewardId>|<seq>`: positions are claimed by inserting, so two uploads never share one. */
  @Prop({ type: String }) _id: string;
  @Prop({ type: Types.ObjectId, required: true }) rewardId: Types.ObjectId;
  @Prop({ required: true }) seq: number;
  @Prop({ required: true }) code: string;
  @Prop({ type: String, default: null }) redemptionId: string | null;
  @Prop({ type: Date, default: null }) assignedAt: Date | null;
  @Prop({ type: Date, default: () => new Date() }) uploadedAt: Date;
}

export const RewardCodeSchema = SchemaFactory.createForClass(RewardCode);
// A code is in a pool once: a second upload of the same code is refused by this index.
RewardCodeSchema.index({ rewardId: 1, code: 1 }, { unique: true });
// Free codes of a pool in order (the fallback when the next position was skipped by a crash),
// and the code a redemption holds.
RewardCodeSchema.index({ rewardId: 1, redemptionId: 1, seq: 1 });
