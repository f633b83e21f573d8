import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

@Schema({ collection: 'teams', timestamps: true })
export class Team {
  _id: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  organizationId: Types.ObjectId;

  @Prop({ required: true, trim: true })
  name: string;

  /** Unique: registration with a team's code puts the member in that team. */
  @Prop({ required: true, unique: true })
  inviteCode: string;

  createdAt: Date;
}

export const TeamSchema = SchemaFactory.createForClass(Team);
// The teams of one organization (GET /organizations/:id/teams).
TeamSchema.index({ organizationId: 1, name: 1 });
