import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { AudienceFields } from '../../common/audience/audience.schema';

export const QUESTION_TYPES = ['nps', 'rating', 'single', 'multi', 'text'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

@Schema({ _id: false })
export class Question {
  /** Chosen by the author; unique within the campaign, safe as a field name (letters, digits, - and _). */
  @Prop({ required: true }) id: string;
  @Prop({ required: true, enum: QUESTION_TYPES }) type: QuestionType;
  @Prop({ required: true }) prompt: string;
  /** Choice questions only (at most 20). */
  @Prop({ type: [String], default: [] }) options: string[];
  @Prop({ default: false }) required: boolean;
}
export const QuestionSchema = SchemaFactory.createForClass(Question);

/**
 * A feedback campaign. Its questions are bounded (at most 30, each with at most 20 options);
 * responses, tallies and reminders live in their own collections.
 */
@Schema({ collection: 'campaigns', timestamps: true })
export class Campaign {
  _id: Types.ObjectId;
  @Prop({ required: true }) title: string;
  @Prop({ default: '' }) description: string;
  @Prop({ type: [QuestionSchema], required: true }) questions: Question[];
  @Prop({ required: true }) incentivePoints: number;
  @Prop({ required: true }) opensAt: Date;
  @Prop({ required: true }) closesAt: Date;
  @Prop({ type: AudienceFields, default: () => ({}) }) audience: AudienceFields;
  @Prop({ default: false }) anonymous: boolean;
  @Prop({ type: String, default: null }) badgeKey: string | null;
  @Prop({ type: Types.ObjectId, required: true }) createdBy: Types.ObjectId;
  /**
   * Bumped by every edit. The first response locks the campaign at the version its answers were
   * checked against (one conditional update), after which it can no longer be edited.
   */
  @Prop({ default: 1 }) version: number;
  @Prop({ default: false }) locked: boolean;
  /** The reminder sweep went through the whole audience once (48 h before the close). */
  @Prop({ type: Date, default: null }) remindersSentAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const CampaignSchema = SchemaFactory.createForClass(Campaign);
// Campaigns open at a given time (the member list, with the audience in the same query) and
// those closing within the reminder window (the sweep).
CampaignSchema.index({ closesAt: 1, opensAt: 1 });
