import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

@Schema({ collection: 'organizations', timestamps: true })
export class Organization {
  _id: Types.ObjectId;

  @Prop({ required: true, trim: true })
  name: string;

  /** Leaderboard periods and schedules for this organization are computed in this zone. */
  @Prop({ required: true })
  timezone: string;

  /** Unique: registration resolves an invite code to its organization. */
  @Prop({ required: true, unique: true })
  inviteCode: string;

  createdAt: Date;
}

export const OrganizationSchema = SchemaFactory.createForClass(Organization);
