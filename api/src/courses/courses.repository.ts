import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { AtomicWrites } from '../database/atomic-writes';
import { CourseProgress, CourseProgressEntry, QuizAttemptDay } from './schemas/progress.schema';
import { QuizAttempt } from './schemas/quiz-attempt.schema';

export type NewQuizAttempt = Omit<QuizAttempt, '_id'>;

const missing = () => trusted({ $exists: false });

/**
 * The only place that touches course progress and quiz attempts. Every write to a member's
 * progress document is one atomic update of that document (AtomicWrites).
 */
@Injectable()
export class CoursesRepository {
  constructor(
    @InjectModel(CourseProgress.name) private readonly progress: Model<CourseProgress>,
    @InjectModel(QuizAttempt.name) private readonly attempts: Model<QuizAttempt>,
    @InjectModel(QuizAttemptDay.name) private readonly days: Model<QuizAttemptDay>,
    private readonly atomic: AtomicWrites,
  ) {}

  /** A member's progress in every course: one `_id` read. */
  async progressOf(userId: Types.ObjectId): Promise<Record<string, CourseProgressEntry>> {
    const doc = await this.progress.findById(userId).lean<CourseProgress>().exec();
    return doc?.courses ?? {};
  }

  /**
   * Marks a lesson completed once: `first` is true for the call that completed it, false for every
   * repeat (the first completion time stays, `$min`). One update that returns the document before
   * it: atomic on MongoDB as it is, on FerretDB under the document's lease.
   */
  async completeLesson(
    userId: Types.ObjectId,
    course: string,
    lesson: string,
    at: Date,
  ): Promise<{ first: boolean; entry: CourseProgressEntry }> {
    const path = `courses.${course}`;
    const before = await this.atomic.run(this.progress, userId, () =>
      this.progress
        .findOneAndUpdate(
          { _id: userId },
          { $min: { [`${path}.lessons.${lesson}`]: at, [`${path}.startedAt`]: at } },
          { upsert: true, returnDocument: 'before' },
        )
        .lean<CourseProgress>()
        .exec(),
    );
    const entry = before?.courses?.[course] ?? {};
    const first = !entry.lessons?.[lesson];
    const lessons = { ...entry.lessons, [lesson]: entry.lessons?.[lesson] ?? at };
    return { first, entry: { ...entry, startedAt: entry.startedAt ?? at, lessons } };
  }

  /** Adds a graded attempt to the member's quiz record (best score, last score; the first pass stays). */
  async recordQuizResult(
    userId: Types.ObjectId,
    course: string,
    score: number,
    passed: boolean,
    at: Date,
  ): Promise<CourseProgressEntry> {
    const path = `courses.${course}`;
    const after = await this.atomic.run(this.progress, userId, () =>
      this.progress
        .findOneAndUpdate(
          { _id: userId },
          {
            $inc: { [`${path}.quiz.attempts`]: 1 },
            $max: { [`${path}.quiz.bestScore`]: score },
            $set: { [`${path}.quiz.lastScore`]: score, [`${path}.quiz.lastAttemptAt`]: at },
            $min: { [`${path}.startedAt`]: at, ...(passed ? { [`${path}.quiz.passedAt`]: at } : {}) },
          },
          { upsert: true, returnDocument: 'after' },
        )
        .lean<CourseProgress>()
        .exec(),
    );
    return after?.courses?.[course] ?? {};
  }

  /**
   * Names the course's certificate once: the first caller's id and time are kept; every other
   * caller gets `claimed: false` and the id that was kept. The certificate itself is written
   * after (and written again, once, by whoever finds it missing).
   */
  async claimCertificate(
    userId: Types.ObjectId,
    course: string,
    certificateId: string,
    at: Date,
  ): Promise<{ claimed: boolean; certificateId: string; completedAt: Date }> {
    const path = `courses.${course}`;
    const result = await this.atomic.updateOne(
      this.progress,
      { _id: userId, [`${path}.certificateId`]: missing() },
      { $set: { [`${path}.certificateId`]: certificateId, [`${path}.completedAt`]: at } },
      { upsert: true, returnDocument: 'after' },
    );
    const entry = result.doc?.courses?.[course];
    return {
      claimed: result.changed,
      certificateId: entry?.certificateId ?? certificateId,
      completedAt: entry?.completedAt ?? at,
    };
  }

  /**
   * Takes one of today's quiz attempts while fewer than `max` were taken: one conditional
   * increment of the day's counter. False when the day's attempts are used up.
   */
  async takeAttempt(userId: Types.ObjectId, course: string, day: string, max: number): Promise<boolean> {
    const id = attemptDayId(userId, course, day);
    const result = await this.atomic.updateOne(
      this.days,
      { _id: id, count: trusted({ $lt: max }) },
      { $inc: { count: 1 } },
      { upsert: true },
    );
    return result.changed;
  }

  /** Gives back an attempt taken for a request that then failed before grading was stored. */
  async returnAttempt(userId: Types.ObjectId, course: string, day: string): Promise<void> {
    const id = attemptDayId(userId, course, day);
    await this.atomic.updateOne(this.days, { _id: id, count: trusted({ $gt: 0 }) }, { $inc: { count: -1 } });
  }

  /** Attempts taken in a course on a day: one `_id` read. */
  async attemptsOn(userId: Types.ObjectId, course: string, day: string): Promise<number> {
    const doc = await this.days
      .findById(attemptDayId(userId, course, day))
      .lean<QuizAttemptDay>()
      .exec();
    return doc?.count ?? 0;
  }

  async insertAttempt(attempt: NewQuizAttempt): Promise<QuizAttempt> {
    return (await this.attempts.create(attempt)).toObject();
  }

  /** A member's latest attempts at a course's quiz, newest first. */
  listAttempts(userId: Types.ObjectId, course: string, limit: number): Promise<QuizAttempt[]> {
    return this.attempts
      .find({ userId, courseSlug: course })
      .sort({ _id: -1 })
      .limit(limit)
      .lean<QuizAttempt[]>()
      .exec();
  }
}

const attemptDayId = (userId: Types.ObjectId, course: string, day: string) =>
  `${userId.toHexString()}|${course}|${day}`;
