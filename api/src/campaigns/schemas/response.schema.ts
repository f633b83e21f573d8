import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export type AnswerValue = number | string | string[];
export type Answers = Record<string, AnswerValue>;

/**
 * One response's answers. In an anonymous campaign it names no member, carries no organization
 * or tier, and its `_id` and `submittedAt` hold only the day (see anonymousResponseId), so
 * neither a field nor the time links it to the member's participation or incentive.
 */
@Schema({ collection: 'campaign_responses', versionKey: false })
export class CampaignResponse {
  @Prop({ type: Types.ObjectId }) _id: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) campaignId: Types.ObjectId;
  @Prop({ type: Object, required: true }) answers: Answers;
  @Prop({ required: true }) submittedAt: Date;
  @Prop({ type: Types.ObjectId, default: undefined }) userId?: Types.ObjectId;
  @Prop({ type: Types.ObjectId, default: undefined }) organizationId?: Types.ObjectId | null;
  @Prop({ type: String, default: undefined }) tierKey?: string;
}
export const CampaignResponseSchema = SchemaFactory.createForClass(CampaignResponse);
// One campaign's responses in order: the CSV export's cursor and the paged text answers.
CampaignResponseSchema.index({ campaignId: 1, _id: 1 });

/**
 * "This member answered this campaign": `_id` = `<campaignId>:<userId>`, so a second insert
 * fails whatever the concurrency. It holds no link to the answers (`token` guards the tallies).
 */
@Schema({ collection: 'campaign_participants', versionKey: false })
export class Participant {
  @Prop({ type: String }) _id: string;
  @Prop({ type: Types.ObjectId, required: true }) campaignId: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) userId: Types.ObjectId;
  @Prop({ required: true }) token: string;
}
export const ParticipantSchema = SchemaFactory.createForClass(Participant);

/** Everything a response does, decided before anything is written, so a replay does the same. */
export interface ResponsePlan {
  /** Guards each tally increment of this response (a fresh ObjectId's hex). */
  token: string;
  /** The answers document's `_id` (hex). */
  responseId: string;
  campaignId: string;
  userId: string;
  organizationId: string | null;
  tierKey: string;
  answers: Answers;
  /** ISO; the day only in anonymous campaigns. */
  submittedAt: string;
  /** ISO date of the Monday starting the week (program zone) the response counts in. */
  week: string;
  anonymous: boolean;
  /** Demo history: answers and tallies only, no incentive or badge (the demo balances stay the loader's). */
  history?: boolean;
}

/**
 * A response in flight: written before the participation marker and deleted once every effect
 * (answers, tallies, incentive, badge) is applied. What is left here after a crash is what the
 * `finish-campaign-responses` sweep completes. `_id` = the marker's; `owner` says who may finish
 * and close it (the request, or the sweep once it took it over). Holds only what is in flight, so
 * the sweep's scan stays small; in an anonymous campaign this is the only link between member
 * and answers, and it lasts only until the response is complete.
 */
@Schema({ collection: 'campaign_responses_pending', versionKey: false })
export class PendingResponse {
  @Prop({ type: String }) _id: string;
  @Prop({ type: Object, required: true }) plan: ResponsePlan;
  @Prop({ required: true }) owner: string;
  @Prop({ required: true }) openedAt: Date;
}
export const PendingResponseSchema = SchemaFactory.createForClass(PendingResponse);

/** A reminder claimed before it is sent: `_id` = `reminder:<campaignId>:<userId>:48h`. */
@Schema({ collection: 'campaign_reminders', versionKey: false })
export class ReminderMark {
  @Prop({ type: String }) _id: string;
  @Prop({ required: true }) at: Date;
}
export const ReminderMarkSchema = SchemaFactory.createForClass(ReminderMark);
