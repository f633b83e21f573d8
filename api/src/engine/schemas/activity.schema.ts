import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export type MetadataValue = string | number | boolean;

@Schema({ _id: false })
export class ActivitySource {
  /** Who reported it: an external system's API key, a staff user, or a hub feature. */
  @Prop({ required: true, enum: ['api-key', 'user', 'feature'] }) kind: 'api-key' | 'user' | 'feature';
  @Prop({ type: String, default: null }) id: string | null;
}

/** Everything a member does, from any source. Points, badges and challenges are derived from these. */
@Schema({ collection: 'activities', timestamps: { createdAt: true, updatedAt: false } })
export class Activity {
  _id: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true }) userId: Types.ObjectId;
  @Prop({ type: Types.ObjectId, default: null }) organizationId: Types.ObjectId | null;
  @Prop({ required: true }) type: string;
  @Prop({ required: true }) occurredAt: Date;
  @Prop({ type: Number, default: null }) value: number | null;
  @Prop({ type: Object, default: {} }) metadata: Record<string, MetadataValue>;
  @Prop({ type: String, default: null }) reason: string | null;
  @Prop({ type: ActivitySource, required: true }) source: ActivitySource;

  /** Unique: the same activity reported twice, however concurrently, is recorded and awarded once. */
  @Prop({ required: true, unique: true }) idempotencyKey: string;

  /** Set once the engine has awarded it; an activity stored but not processed is finished on replay. */
  @Prop({ type: Number, default: null }) pointsAwarded: number | null;
  @Prop({ type: Date, default: null }) processedAt: Date | null;

  createdAt: Date;
}

export const ActivitySchema = SchemaFactory.createForClass(Activity);
