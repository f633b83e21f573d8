import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const SUBMISSION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** Evidence a member sends for an evidence challenge; a manager approves or rejects it. */
@Schema({ collection: 'submissions', timestamps: true })
export class Submission {
  _id: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) challengeId: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) userId: Types.ObjectId;
  @Prop({ type: Types.ObjectId, default: null }) organizationId: Types.ObjectId | null;
  @Prop({ required: true }) text: string;
  @Prop({ type: String, default: null }) url: string | null;
  @Prop({ required: true, enum: SUBMISSION_STATUSES, default: 'pending' }) status: SubmissionStatus;
  @Prop({ type: String, default: null }) comment: string | null;
  @Prop({ type: Types.ObjectId, default: null }) decidedBy: Types.ObjectId | null;
  @Prop({ type: Date, default: null }) decidedAt: Date | null;
  createdAt: Date;
}

export const SubmissionSchema = SchemaFactory.createForClass(Submission);
// One challenge's submissions (manager view) and a member's latest one (status, resubmission).
SubmissionSchema.index({ challengeId: 1, userId: 1, _id: -1 });
// The approval queue (all organizations, or one manager's).
SubmissionSchema.index({ status: 1, _id: 1 });
SubmissionSchema.index({ organizationId: 1, status: 1, _id: 1 });

/**
 * At most one pending submission per member and challenge: `open` names it. Claimed with one
 * conditional update (only while empty) before the submission is written, emptied when it is
 * decided — so concurrent submissions cannot both be pending. `_id`: `challengeId|userId`.
 */
@Schema({ collection: 'submission_slots', versionKey: false })
export class SubmissionSlot {
  @Prop({ type: String }) _id: string;
  @Prop({ type: Types.ObjectId, default: null }) open: Types.ObjectId | null;
  @Prop({ type: Date, default: null }) claimedAt: Date | null;
}

export const SubmissionSlotSchema = SchemaFactory.createForClass(SubmissionSlot);
