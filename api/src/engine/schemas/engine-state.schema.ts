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
}
export const CounterSchema = SchemaFactory.createForClass(Counter);

/** "Seen once" marks keyed by `_id` (e.g. a distinct course completed); inserting twice fails. */
@Schema({ collection: 'marks', versionKey: false, timestamps: { createdAt: true, updatedAt: false } })
export class Mark {
  @Prop({ type: String }) _id: string;
}
export const MarkSchema = SchemaFactory.createForClass(Mark);

/** What badge criteria look at, per member (`_id` = user id). Keys are activity types with `.` → `~`. */
@Schema({ collection: 'member_stats', versionKey: false })
export class MemberStat {
  _id: Types.ObjectId;
  @Prop({ type: Object, default: {} }) counts: Record<string, number>;
  @Prop({ type: Object, default: {} }) distinct: Record<string, number>;
  /** ISO week (e.g. 2026-W47) of the latest activity, in the organization's zone. */
  @Prop({ type: String, default: null }) lastActiveWeek: string | null;
  @Prop({ default: 0 }) activeWeekStreak: number;
  /** Badges held (key → earned at); bounded by the badges in content. Read on every award. */
  @Prop({ type: Object, default: {} }) badges: Record<string, Date>;
}
export const MemberStatSchema = SchemaFactory.createForClass(MemberStat);

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
