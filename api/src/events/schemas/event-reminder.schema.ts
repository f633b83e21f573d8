import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One reminder claimed for sending: `_id` is `reminder:<eventId>:<userId>:<24h|1h>`. It is
 * inserted BEFORE the reminder goes out, and the unique `_id` lets exactly one insert win across
 * every hub instance and restart, so a reminder is sent once (or, should the process die right
 * after claiming, not at all — never twice).
 */
@Schema({ collection: 'event_reminders', versionKey: false })
export class EventReminder {
  @Prop({ type: String }) _id: string;
  @Prop({ required: true }) claimedAt: Date;
}

export const EventReminderSchema = SchemaFactory.createForClass(EventReminder);
