import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { REWARD_KINDS, type RewardKind } from './reward.schema';

/** What members and the admin see. */
export const REDEMPTION_STATUSES = ['pending', 'fulfilled', 'rejected', 'cancelled'] as const;
export type RedemptionStatus = (typeof REDEMPTION_STATUSES)[number];
/**
 * Stored states: `reserving` while its steps run (the record is the commit point), `issuing`
 * while a code pool's code is being handed out after the commit, `failed` when it was refused
 * and everything taken was given back.
 */
export const REDEMPTION_STATES = ['reserving', 'issuing', 'failed', ...REDEMPTION_STATUSES] as const;
export type RedemptionState = (typeof REDEMPTION_STATES)[number];
export type FailureReason = 'points' | 'stock' | 'limit' | 'interrupted';

/** Which steps this redemption takes (decided from the reward when it starts). */
@Schema({ _id: false })
export class RedemptionPlan {
  @Prop({ required: true }) stock: boolean;
  @Prop({ type: Number, default: null }) limit: number | null;
  @Prop({ required: true }) codePool: boolean;
}

/**
 * One redemption. Its `_id` is derived from the member and the idempotency key, so a retry finds
 * it by `_id`; `token` (an ObjectId) names it in the guards of the documents its steps change.
 */
@Schema({ collection: 'redemptions', timestamps: true })
export class Redemption {
  @Prop({ type: String }) _id: string;
  @Prop({ type: Types.ObjectId, required: true }) token: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) userId: Types.ObjectId;
  @Prop({ type: Types.ObjectId, default: null }) organizationId: Types.ObjectId | null;
  @Prop({ type: Types.ObjectId, required: true }) rewardId: Types.ObjectId;
  @Prop({ required: true }) rewardName: string;
  @Prop({ required: true, enum: REWARD_KINDS }) rewardKind: RewardKind;
  @Prop({ required: true }) cost: number;
  @Prop({ required: true }) idempotencyKey: string;
  @Prop({ required: true, enum: REDEMPTION_STATES }) state: RedemptionState;
  @Prop({ type: RedemptionPlan, required: true }) plan: RedemptionPlan;
  /** Who runs its steps now, until when: a crashed request's redemption is taken over after that. */
  @Prop({ required: true }) owner: string;
  @Prop({ required: true }) lockedUntil: Date;
  @Prop({ type: String, default: null }) failure: FailureReason | null;
  @Prop({ type: String, default: null }) code: string | null;
  @Prop({ type: String, default: null }) codeSlot: string | null;
  @Prop({ type: String, default: null }) note: string | null;
  @Prop({ type: Types.ObjectId, default: null }) decidedBy: Types.ObjectId | null;
  @Prop({ type: Date, default: null }) decidedAt: Date | null;
  /** Set with a reject or cancel: names its refund, restock and limit release in their guards. */
  @Prop({ type: Types.ObjectId, default: null }) settleToken: Types.ObjectId | null;
  /** The reject's or cancel's refund and restock are done. */
  @Prop({ default: true }) settled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const RedemptionSchema = SchemaFactory.createForClass(Redemption);
// A member's redemptions, newest first (GET /me/redemptions).
RedemptionSchema.index({ userId: 1, createdAt: -1 });
// The fulfilment queue by status, oldest first; the sweep's redemptions left mid-way.
RedemptionSchema.index({ state: 1, createdAt: 1 });
// The queue for one reward; what members gave to a donation.
RedemptionSchema.index({ rewardId: 1, state: 1, createdAt: 1 });
