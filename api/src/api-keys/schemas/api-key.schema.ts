import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/** An external system's credential. Only a SHA-256 of the key is stored; the key is shown once. */
@Schema({ collection: 'api_keys', timestamps: { createdAt: true, updatedAt: false } })
export class ApiKey {
  _id: Types.ObjectId;

  @Prop({ required: true, trim: true })
  name: string;

  /** The first characters, so an admin can tell keys apart. */
  @Prop({ required: true })
  prefix: string;

  /** Unique: a request's key is looked up by its hash. */
  @Prop({ required: true, unique: true })
  hash: string;

  @Prop({ type: Types.ObjectId, required: true })
  createdBy: Types.ObjectId;

  @Prop({ type: Date, default: null })
  revokedAt: Date | null;

  createdAt: Date;
}

export const ApiKeySchema = SchemaFactory.createForClass(ApiKey);
