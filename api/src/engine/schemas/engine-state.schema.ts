import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * Running totals keyed by `_id` (cap windows: `cap|user|type|period|start`; challenge progress),
 * so each read and write is an `_id` look-up, which FerretDB serves from SQLite directly.
 */
@Schema({ collection: 'counters', versionKey: false })
export class Counter {
  @Prop({ type: String }) _id: string;
  @Prop({ default: 0 }) value: number;
  /** Ledger entries counted here in the last days, each with what it added (see database/guards.ts). */
  @Prop({ type: Object }) applied?: Record<string, Record<string, number>>;
}
export const CounterSchema = SchemaFactory.createForClass(Counter);

/** "Seen once" marks keyed by `_id` (e.g. a distinct course completed); inserting twice fails. */
@Schema({ collection: 'marks', versionKey: false, timestamps: { createdAt: true, updatedAt: false } })
export class Mark {
  @Prop({ type: String }) _id: string;
  /** The ledger entry that set it, when one did (so finishing that entry again knows it is its own). */
  @Prop({ type: String }) entry?: string;
}
export const MarkSchema = SchemaFactory.createForClass(Mark);

/** A badge a member holds; `_id` = `user|badge`, so it can be awarded only once. */
@Schema({ collection: 'member_badges', versionKey: false })
export class MemberBadge {
  @Prop({ type: String }) _id: string;
  @Prop({ type: Types.ObjectId, required: true }) userId: Types.ObjectId;
  @Prop({ required: true }) key: string;
  @Prop({ required: true }) earnedAt: Date;
}
export const MemberBadgeSchema = SchemaFactory.createForClass(MemberBadge);
// A member's badges (GET /me/badges, badge evaluation).
MemberBadgeSchema.index({ userId: 1 });
