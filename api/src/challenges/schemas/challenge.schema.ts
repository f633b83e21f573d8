import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { AudienceFields } from '../../common/audience/audience.schema';

export const CHALLENGE_KINDS = ['auto', 'evidence', 'team'] as const;
export type ChallengeKind = (typeof CHALLENGE_KINDS)[number];

@Schema({ _id: false })
export class ChallengeGoal {
  @Prop({ required: true }) activityType: string;
  @Prop({ required: true }) count: number;
}

@Schema({ collection: 'challenges', timestamps: true })
export class Challenge {
  _id: Types.ObjectId;
  @Prop({ required: true }) title: string;
  @Prop({ required: true }) description: string;
  @Prop({ required: true, enum: CHALLENGE_KINDS }) kind: ChallengeKind;
  @Prop({ required: true }) points: number;
  @Prop({ type: String, default: null }) badgeKey: string | null;
  @Prop({ required: true }) startsAt: Date;
  @Prop({ required: true }) endsAt: Date;
  @Prop({ type: ChallengeGoal, default: null }) goal: ChallengeGoal | null;
  @Prop({ type: AudienceFields, default: () => ({}) }) audience: AudienceFields;
  @Prop({ type: Types.ObjectId, required: true }) createdBy: Types.ObjectId;
  createdAt: Date;
}

export const ChallengeSchema = SchemaFactory.createForClass(Challenge);
// Challenges open at a given time (the member list, filtered by audience in the same query;
// the progress check on each activity).
ChallengeSchema.index({ endsAt: 1, startsAt: 1 });
