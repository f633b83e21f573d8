import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** `_id` of a waitlist ticket: the event and the ticket number, so the queue is walked by `_id`. */
export const ticketId = (eventId: Types.ObjectId | string, seq: number) => `${eventId.toString()}#${seq}`;

/**
 * Who drew ticket `seq` of an event's waitlist. The RSVP holds the member's status; this maps a
 * ticket number back to the member, so the head of the waitlist is found by `_id` look-ups from
 * the event's `headHint` on (FerretDB answers those from its index; a query over the RSVPs would
 * scan every RSVP of every event). Written once, right after the ticket is drawn.
 */
@Schema({ collection: 'event_waitlist_tickets', versionKey: false })
export class WaitlistTicket {
  @Prop({ type: String }) _id: string;
  @Prop({ type: Types.ObjectId, required: true }) userId: Types.ObjectId;
}

export const WaitlistTicketSchema = SchemaFactory.createForClass(WaitlistTicket);
