import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A member's personal calendar feed. `_id` is the member's id, so the feed URL's token is
 * `<userId>.<secret>` and a read is one `_id` look-up plus a constant-time comparison of the
 * secret; rotating replaces the secret, and the old URL stops working at once.
 */
@Schema({ collection: 'calendar_feeds', timestamps: true, versionKey: false })
export class CalendarFeed {
  @Prop({ type: String }) _id: string;
  @Prop({ required: true }) secret: string;
  createdAt: Date;
  updatedAt: Date;
}

export const CalendarFeedSchema = SchemaFactory.createForClass(CalendarFeed);
