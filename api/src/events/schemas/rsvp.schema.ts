import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * `going` and `waitlisted` are the member's answer; `left` a member who was one of them and
 * left (kept, so that attendance and a new RSVP find the same document); `none` a walk-in who
 * checked in without an RSVP.
 */
export const RSVP_STATUSES = ['going', 'waitlisted', 'left', 'none'] as const;
export type RsvpStatus = (typeof RSVP_STATUSES)[number];
export const ACTIVE_RSVP: readonly RsvpStatus[] = ['going', 'waitlisted'];

/** `_id` of a member's RSVP: it names event and member, so a repeated RSVP finds the same document. */
export const rsvpId = (eventId: Types.ObjectId | string, userId: Types.ObjectId | string) =>
  `${eventId.toString()}:${userId.toString()}`;

/** One member's answer to one event, and their attendance. */
@Schema({ collection: 'event_rsvps', timestamps: true, versionKey: false })
export class Rsvp {
  @Prop({ type: String }) _id: string;
  @Prop({ type: Types.ObjectId, required: true }) eventId: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) userId: Types.ObjectId;
  @Prop({ type: Types.ObjectId, default: null }) organizationId: Types.ObjectId | null;
  @Prop({ required: true, enum: RSVP_STATUSES }) status: RsvpStatus;
  /** The waitlist ticket (arrival order); null for members who got a seat at once. */
  @Prop({ type: Number, default: null }) seq: number | null;
  @Prop({ type: Date, default: null }) answeredAt: Date | null;
  @Prop({ type: Date, default: null }) promotedAt: Date | null;
  @Prop({ default: false }) attended: boolean;
  @Prop({ type: Date, default: null }) attendedAt: Date | null;
  /** Who checked the member in: themselves (the code) or a manager (the attendee list). */
  @Prop({ type: Types.ObjectId, default: null }) checkedInBy: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

export const RsvpSchema = SchemaFactory.createForClass(Rsvp);
// The head of an event's waitlist (promotion), a member's waitlist position, the attendee list
// and the members to tell about a change (by status).
RsvpSchema.index({ eventId: 1, status: 1, seq: 1 });
// A member's events (the personal calendar feed, "mine" in the list).
RsvpSchema.index({ userId: 1, status: 1 });
