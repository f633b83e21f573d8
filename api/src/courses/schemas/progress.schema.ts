import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema, Types } from 'mongoose';

/** A member's quiz record in one course (every attempt is also kept in quiz_attempts). */
export interface QuizProgress {
  attempts?: number;
  bestScore?: number;
  lastScore?: number;
  lastAttemptAt?: Date;
  /** The first pass. */
  passedAt?: Date;
}

/** A member's progress in one course. Keys are slugs from content/courses (no dots, no `$`). */
export interface CourseProgressEntry {
  startedAt?: Date;
  /** Lesson slug → when it was first completed. */
  lessons?: Record<string, Date>;
  quiz?: QuizProgress;
  completedAt?: Date;
  /** The certificate issued for this course (set once, before the certificate is written). */
  certificateId?: string;
}

/**
 * All of one member's course progress in ONE document, `_id` = the member's id: the catalog
 * (GET /api/courses, "with my progress") is one `_id` read whatever the number of courses or
 * members — the only look-up FerretDB serves from an index. Its size is bounded by the catalog
 * (courses × lessons), not by time. Writes to it are atomic through AtomicWrites (dotted `$set`,
 * `$min`, `$max`, `$inc` on one course's entry).
 */
@Schema({ collection: 'course_progress', versionKey: false, minimize: false })
export class CourseProgress {
  @Prop({ type: Types.ObjectId }) _id: Types.ObjectId;
  /** Course slug → progress. */
  @Prop({ type: MongooseSchema.Types.Mixed, default: () => ({}) }) courses: Record<string, CourseProgressEntry>;
}

export const CourseProgressSchema = SchemaFactory.createForClass(CourseProgress);
// No secondary index: every read and write is by `_id`.

/**
 * How many quiz attempts a member made in one course on one day (in the organization's zone).
 * `_id`: `<userId>|<courseSlug>|<yyyy-mm-dd>`; an attempt is taken with one conditional `$inc`
 * (only while `count` is below the day's limit), so concurrent attempts cannot exceed it.
 */
@Schema({ collection: 'quiz_attempt_days', versionKey: false })
export class QuizAttemptDay {
  @Prop({ type: String }) _id: string;
  @Prop({ default: 0 }) count: number;
}

export const QuizAttemptDaySchema = SchemaFactory.createForClass(QuizAttemptDay);
