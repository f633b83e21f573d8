import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';

/** One graded quiz attempt, kept as it was answered. */
@Schema({ collection: 'quiz_attempts', versionKey: false })
export class QuizAttempt {
  _id: Types.ObjectId;
  @Prop({ type: Types.ObjectId, required: true }) userId: Types.ObjectId;
  @Prop({ required: true }) courseSlug: string;
  /** Question id → the option ids chosen (sorted). */
  @Prop({ type: MongooseSchema.Types.Mixed, required: true }) answers: Record<string, string[]>;
  @Prop({ required: true }) score: number;
  @Prop({ required: true }) passed: boolean;
  @Prop({ required: true }) createdAt: Date;
}

export const QuizAttemptSchema = SchemaFactory.createForClass(QuizAttempt);
// A member's attempts at one course's quiz, newest first (GET /api/courses/:slug/quiz/attempts).
QuizAttemptSchema.index({ userId: 1, courseSlug: 1, _id: -1 });
