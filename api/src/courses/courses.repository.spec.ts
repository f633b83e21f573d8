import { Types } from 'mongoose';
import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
import { CoursesRepository } from './courses.repository';
import { CourseProgress, CourseProgressSchema, QuizAttemptDay, QuizAttemptDaySchema } from './schemas/progress.schema';
import { QuizAttempt, QuizAttemptSchema } from './schemas/quiz-attempt.schema';

describe('CoursesRepository (embedded FerretDB, two processes)', () => {
  let db: RealDatabase;
  let a: CoursesRepository;
  let b: CoursesRepository;

  beforeAll(async () => {
    db = await realDatabase();
    const models = [
      db.model<CourseProgress>(CourseProgress.name, CourseProgressSchema),
      db.model<QuizAttempt>(QuizAttempt.name, QuizAttemptSchema),
      db.model<QuizAttemptDay>(QuizAttemptDay.name, QuizAttemptDaySchema),
    ] as const;
    a = new CoursesRepository(...models, await db.atomicWrites());
    b = new CoursesRepository(...models, await db.atomicWrites());
  });
  afterAll(() => db.close());

  const either = (i: number) => (i % 2 ? a : b);

  it('completes a lesson once, whatever the concurrency, keeping the first time', async () => {
    const member = new Types.ObjectId();
    const results = await allAtOnce(20, (i) =>
      either(i).completeLesson(member, 'heat-pumps', 'sizing', new Date(Date.UTC(2026, 0, 1, 0, 0, 20 - i))),
    );
    const firsts = results.filter((r) => r.status === 'fulfilled' && r.value.first);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(firsts).toHaveLength(1);
    await a.completeLesson(member, 'heat-pumps', 'cop', new Date());
    const progress = await b.progressOf(member);
    expect(Object.keys(progress['heat-pumps'].lessons!)).toEqual(['sizing', 'cop']);
    expect(progress['heat-pumps'].startedAt).toBeInstanceOf(Date);
  });

  it('loses no lesson when one member completes several at once', async () => {
    const member = new Types.ObjectId();
    const lessons = Array.from({ length: 12 }, (_, i) => `lesson-${i}`);
    await allAtOnce(lessons.length, (i) => either(i).completeLesson(member, 'solar', lessons[i], new Date()));
    expect(Object.keys((await a.progressOf(member)).solar.lessons!).sort()).toEqual([...lessons].sort());
  });

  it('takes no more quiz attempts a day than allowed, whatever the concurrency', async () => {
    const member = new Types.ObjectId();
    const results = await allAtOnce(12, (i) => either(i).takeAttempt(member, 'heat-pumps', '2026-03-01', 5));
    expect(results.filter((r) => r.status === 'fulfilled' && r.value)).toHaveLength(5);
    expect(await a.attemptsOn(member, 'heat-pumps', '2026-03-01')).toBe(5);
    expect(await a.takeAttempt(member, 'heat-pumps', '2026-03-02', 5)).toBe(true); // a new day
    expect(await a.takeAttempt(member, 'other-course', '2026-03-01', 5)).toBe(true); // another course
    await a.returnAttempt(member, 'heat-pumps', '2026-03-01');
    expect(await b.takeAttempt(member, 'heat-pumps', '2026-03-01', 5)).toBe(true);
  });

  it('keeps the attempt count, the best score and the first pass', async () => {
    const member = new Types.ObjectId();
    const firstPass = new Date('2026-03-01T10:00:00Z');
    await a.recordQuizResult(member, 'heat-pumps', 50, false, new Date('2026-03-01T09:00:00Z'));
    await a.recordQuizResult(member, 'heat-pumps', 83, true, firstPass);
    const entry = await b.recordQuizResult(member, 'heat-pumps', 100, true, new Date('2026-03-02T10:00:00Z'));
    expect(entry.quiz).toMatchObject({ attempts: 3, bestScore: 100, lastScore: 100, passedAt: firstPass });
    const after = await b.recordQuizResult(member, 'heat-pumps', 20, false, new Date('2026-03-03T10:00:00Z'));
    expect(after.quiz).toMatchObject({ attempts: 4, bestScore: 100, lastScore: 20, passedAt: firstPass });
  });

  it('names a course certificate once, whatever the concurrency', async () => {
    const member = new Types.ObjectId();
    const results = await allAtOnce(10, (i) => either(i).claimCertificate(member, 'heat-pumps', `id-${i}`, new Date()));
    const values = results.map((r) => (r.status === 'fulfilled' ? r.value : null));
    expect(values.filter((v) => v?.claimed)).toHaveLength(1);
    const kept = values.find((v) => v?.claimed)!.certificateId;
    expect(values.every((v) => v?.certificateId === kept)).toBe(true);
    expect((await a.progressOf(member))['heat-pumps'].certificateId).toBe(kept);
  });

  it('keeps every attempt and lists a member’s newest first', async () => {
    const member = new Types.ObjectId();
    for (const score of [20, 60, 100]) {
      await a.insertAttempt({
        userId: member,
        courseSlug: 'heat-pumps',
        answers: { q1: ['a'] },
        score,
        passed: score >= 80,
        createdAt: new Date(),
      });
    }
    expect((await b.listAttempts(member, 'heat-pumps', 10)).map((row) => row.score)).toEqual([100, 60, 20]);
    expect(await b.listAttempts(member, 'solar', 10)).toEqual([]);
  });
});
