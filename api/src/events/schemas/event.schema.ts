import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { AudienceFields } from '../../common/audience/audience.schema';

export const EVENT_KINDS = ['webinar', 'club', 'workshop'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const EVENT_STATUSES = ['scheduled', 'cancelled'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/**
 * Seats of an event without a capacity: a counter so large it never runs out, so that unlimited
 * and limited events take the same atomic path (the API shows `capacity: null`).
 */
export const UNLIMITED_SEATS = 1_000_000_000;

/**
 * A club event, workshop or webinar. Times are stored in UTC beside the event's own IANA zone,
 * which is the zone it was entered in and is shown in.
 *
 * The seat counters live on the event document itself, so that every "only while" of the RSVP
 * rules is one conditional update of ONE document keyed by `_id` (see EventsRepository):
 * `seatsFree` (capacity − going; may be negative after the capacity was lowered below the
 * number going), `going`, `waitlisted` (members waiting, counted from the moment they drew their
 * ticket), `waitlistSeq` (the last ticket drawn: arrival order on the waitlist) and `headHint`.
 */
@Schema({ collection: 'events', timestamps: true })
export class Event {
  _id: Types.ObjectId;
  @Prop({ required: true }) title: string;
  @Prop({ type: String, default: '' }) description: string;
  @Prop({ required: true, enum: EVENT_KINDS }) kind: EventKind;
  @Prop({ required: true }) startsAt: Date;
  @Prop({ required: true }) endsAt: Date;
  @Prop({ required: true }) timezone: string;
  /** Null: no limit. */
  @Prop({ type: Number, default: null }) capacity: number | null;
  @Prop({ type: String, default: null }) minTier: string | null;
  @Prop({ type: AudienceFields, default: () => ({}) }) audience: AudienceFields;
  @Prop({ type: String, default: null }) location: string | null;
  @Prop({ type: String, default: null }) joinUrl: string | null;
  @Prop({ required: true }) points: number;
  @Prop({ required: true, enum: EVENT_STATUSES, default: 'scheduled' }) status: EventStatus;
  @Prop({ type: String, default: null }) cancelReason: string | null;
  @Prop({ type: Date, default: null }) cancelledAt: Date | null;
  /** What members type or scan to check in (see check-in-code.ts). */
  @Prop({ required: true }) checkInCode: string;
  /** The iCalendar SEQUENCE: raised on every change of time, place or status. */
  @Prop({ required: true, default: 0 }) sequence: number;
  /** When the time, place or status last changed (the calendar's LAST-MODIFIED; seat counts do not count). */
  @Prop({ type: Date, default: () => new Date() }) changedAt: Date;
  @Prop({ required: true, default: UNLIMITED_SEATS }) seatsFree: number;
  @Prop({ required: true, default: 0 }) going: number;
  @Prop({ required: true, default: 0 }) waitlisted: number;
  @Prop({ required: true, default: 0 }) waitlistSeq: number;
  /** No ticket below this is still waiting (advisory: where the search for the head starts). */
  @Prop({ required: true, default: 1 }) headHint: number;
  @Prop({ type: Types.ObjectId, required: true }) createdBy: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
}

export const EventSchema = SchemaFactory.createForClass(Event);
// A member's list (`GET /api/events?from=&to=`: events overlapping a range, audience in the same
// query) and the reminder sweep (events starting within the next day).
EventSchema.index({ startsAt: 1, endsAt: 1 });
