import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import type { NotificationParams } from '../../realtime/server-events';

@Schema({ collection: 'notifications', timestamps: { createdAt: true, updatedAt: false } })
export class Notification {
  _id: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) userId: Types.ObjectId;
  @Prop({ required: true }) type: string;
  /** English fallback; clients render `type` + `params` from their own catalog. */
  @Prop({ required: true }) title: string;
  @Prop({ required: true }) body: string;
  /** Flat string/number values. Absent on notifications stored before params existed. */
  @Prop({ type: Object }) params?: NotificationParams;
  /** The client path the notification is about (`/challenges/<id>`); absent when there is none. */
  @Prop({ type: String }) link?: string;
  @Prop({ type: String, default: null }) tip: string | null;
  @Prop({ type: Date, default: null }) readAt: Date | null;
  createdAt: Date;
}

export const NotificationSchema = SchemaFactory.createForClass(Notification);
// A member's inbox, newest first (GET /me/notifications, cursor on _id), and its unread count.
NotificationSchema.index({ userId: 1, _id: -1 });
NotificationSchema.index({ userId: 1, readAt: 1 });
