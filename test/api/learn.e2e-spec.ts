import { DateTime } from 'luxon';
import {
  bearer,
  collect,
  connectSocket,
  createStaff,
  db,
  eventually,
  http,
  me,
  ObjectId,
  registerMember,
  unique,
  withProgram,
} from '../utils/hub';
import {
  allKeys,
  attemptQuiz,
  completeLesson,
  courseFile,
  courseSlugs,
  finishCourse,
  makeSilver,
  rightAnswers,
  wrongAnswers,
} from '../utils/learn';

const HEAT_PUMPS = courseFile('heat-pump-sizing');
const REFRIGERANTS = courseFile('refrigerant-safety'); // 3 attempts a day
const SOLAR = courseFile('solar-pv-design');
const SELLING = courseFile('selling-to-homeowners');
const BATTERIES = courseFile('home-battery-storage'); // silver

/** No answer key in any shape: no such field, and questions and options carry only what a member needs. */
function expectNoAnswerKey(body: unknown): void {
  const keys = [...allKeys(body)];
  expect(keys.filter((key) => /answer|correct|solution|key$/i.test(key))).toEqual([]);
}

describe('Learn and Earn: courses, lessons and quizzes', () => {
  const program = withProgram();
  const newMember = () => registerMember(program.organization.inviteCode, 'learner');
  const ledgerOf = async (userId: string, type: string) =>
    (await db())
      .collection('ledger')
      .find({ userId: new ObjectId(userId), 'source.type': type })
      .toArray();

  it('lists the catalog with my progress; a course above my tier is locked and names the tier', async () => {
    const member = await newMember();
    const list = await http().get('/api/courses').set(bearer(member.token)).expect(200);
    expect(list.body.items.map((c: { slug: string }) => c.slug).sort()).toEqual(courseSlugs());
    expect(list.body.items.length).toBeGreaterThanOrEqual(3);
    const heat = list.body.items.find((c: { slug: string }) => c.slug === HEAT_PUMPS.slug);
    expect(heat).toMatchObject({
      title: HEAT_PUMPS.title,
      lessonCount: HEAT_PUMPS.lessons.length,
      points: HEAT_PUMPS.lessons.length * 20 + 50 + 100,
      minTier: null,
      locked: false,
      myProgress: { completedLessons: 0, status: 'not-started' },
    });
    const batteries = list.body.items.find((c: { slug: string }) => c.slug === BATTERIES.slug);
    expect(batteries).toMatchObject({ minTier: 'silver', minTierName: 'Silver', locked: true });
    await http().get('/api/courses').expect(401);
  });

  it('shows a course with its modules and quiz, and never an answer key — nor in an attempt', async () => {
    const member = await newMember();
    const responses: unknown[] = [(await http().get('/api/courses').set(bearer(member.token)).expect(200)).body];
    for (const slug of courseSlugs()) {
      responses.push((await http().get(`/api/courses/${slug}`).set(bearer(member.token)).expect(200)).body);
    }
    const detail = responses[1 + courseSlugs().indexOf(HEAT_PUMPS.slug)] as {
      quiz: { questions: Array<Record<string, unknown>> };
    };
    expect(detail).toMatchObject({
      modules: expect.arrayContaining([expect.objectContaining({ lessons: expect.any(Array) })]),
      quiz: { passPercent: 80, questionCount: HEAT_PUMPS.quiz!.questions.length },
    });
    const question = detail.quiz.questions[0];
    expect(Object.keys(question).sort()).toEqual(['id', 'options', 'prompt', 'type']);
    expect(Object.keys((question.options as object[])[0]).sort()).toEqual(['id', 'text']);
    responses.push((await attemptQuiz(member, HEAT_PUMPS.slug, wrongAnswers(HEAT_PUMPS)).expect(200)).body);
    responses.push((await attemptQuiz(member, HEAT_PUMPS.slug, rightAnswers(HEAT_PUMPS)).expect(200)).body);
    responses.push(
      (await http().get(`/api/courses/${HEAT_PUMPS.slug}/quiz/attempts`).set(bearer(member.token)).expect(200)).body,
    );
    for (const body of responses) expectNoAnswerKey(body);
  });

  it('serves a lesson as sanitized HTML with its neighbours; unknown courses and lessons are 404', async () => {
    const member = await newMember();
    const lesson = await http()
      .get(`/api/courses/${SOLAR.slug}/lessons/${SOLAR.lessons[1]}`)
      .set(bearer(member.token))
      .expect(200);
    expect(lesson.body).toMatchObject({
      slug: SOLAR.lessons[1],
      courseSlug: SOLAR.slug,
      position: 2,
      completed: false,
      previous: { slug: SOLAR.lessons[0] },
      next: { slug: SOLAR.lessons[2] },
    });
    expect(lesson.body.html).toContain('<h2>');
    expect(lesson.body.html).not.toMatch(/<script|onerror|javascript:/i);
    await http().get(`/api/courses/${SOLAR.slug}/lessons/nope`).set(bearer(member.token)).expect(404);
    await http().get('/api/courses/nope').set(bearer(member.token)).expect(404);
    await completeLesson(member, 'nope', 'nope').expect(404);
    await completeLesson(member, SOLAR.slug, 'nope').expect(404);
    await attemptQuiz(member, 'nope', {}).expect(404);
  });

  it('awards a lesson once however many completions race (20 at once → one award), live', async () => {
    const member = await newMember();
    const socket = await connectSocket(member.token);
    const awards = collect(socket, 'points.awarded');
    try {
      const lesson = SELLING.lessons[0];
      const results = await Promise.all(Array.from({ length: 20 }, () => completeLesson(member, SELLING.slug, lesson)));
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      const points = results.map((r) => r.body.pointsAwarded as number).sort((a, b) => b - a);
      expect(points).toEqual([20, ...Array(19).fill(0)]);
      expect(results.filter((r) => r.body.firstCompletion)).toHaveLength(1);
      expect(results[0].body).toMatchObject({ completed: true, next: { slug: SELLING.lessons[1] } });
      expect(await ledgerOf(member.id, 'lesson.completed')).toHaveLength(1);
      // The activity is stored on its entry.
      const activities = await (
        await db()
      )
        .collection('ledger')
        .find({ userId: new ObjectId(member.id), 'source.type': 'lesson.completed' })
        .toArray();
      expect(activities).toEqual([
        expect.objectContaining({
          idempotencyKey: `activity:lesson:${SELLING.slug}:${lesson}:${member.id}`,
          activity: expect.objectContaining({ metadata: { courseSlug: SELLING.slug, lessonSlug: lesson } }),
        }),
      ]);
      await eventually(() => awards.length === 1);
      expect(awards[0]).toMatchObject({ amount: 20, reason: expect.stringContaining('Lesson completed') });
      const again = await completeLesson(member, SELLING.slug, lesson).expect(200);
      expect(again.body).toMatchObject({ completed: true, pointsAwarded: 0, firstCompletion: false });
      expect((await me(member)).points.balance).toBe(20);
      const course = await http().get(`/api/courses/${SELLING.slug}`).set(bearer(member.token)).expect(200);
      expect(course.body.myProgress).toMatchObject({ completedLessons: 1, status: 'in-progress' });
      expect(course.body.modules[0].lessons[0]).toMatchObject({ slug: lesson, completed: true });
    } finally {
      socket.close();
    }
  });

  it('grades a quiz on the server: score in percent, points for the first pass only, every attempt kept', async () => {
    const member = await newMember();
    const questions = HEAT_PUMPS.quiz!.questions.length;
    const failed = await attemptQuiz(member, HEAT_PUMPS.slug, wrongAnswers(HEAT_PUMPS)).expect(200);
    expect(failed.body).toMatchObject({ score: 0, passed: false, pointsAwarded: 0, passPercent: 80 });
    const oneWrong = {
      ...rightAnswers(HEAT_PUMPS),
      ...Object.fromEntries([Object.entries(wrongAnswers(HEAT_PUMPS))[0]]),
    };
    const pass = await attemptQuiz(member, HEAT_PUMPS.slug, oneWrong).expect(200);
    expect(pass.body).toMatchObject({
      score: Math.floor((100 * (questions - 1)) / questions),
      passed: true,
      pointsAwarded: 50,
    });
    // Multi-choice answers in any order.
    const reversed = Object.fromEntries(
      Object.entries(rightAnswers(HEAT_PUMPS)).map(([id, a]) => [id, Array.isArray(a) ? [...a].reverse() : a]),
    );
    const again = await attemptQuiz(member, HEAT_PUMPS.slug, reversed).expect(200);
    expect(again.body).toMatchObject({ score: 100, passed: true, pointsAwarded: 0 });
    expect(await ledgerOf(member.id, 'quiz.passed')).toHaveLength(1);
    const history = await http()
      .get(`/api/courses/${HEAT_PUMPS.slug}/quiz/attempts`)
      .set(bearer(member.token))
      .expect(200);
    expect(history.body.items.map((a: { score: number }) => a.score)).toEqual([100, pass.body.score, 0]);
    expect(await (await db()).collection('quiz_attempts').countDocuments({ userId: new ObjectId(member.id) })).toBe(3);
    // Passing the quiz alone does not complete the course: lessons are missing.
    expect(again.body).toMatchObject({ certificate: null, myProgress: { status: 'in-progress', quizPassed: true } });
  });

  it('refuses unknown question or option ids, operators and wrong shapes with 400, using no attempt', async () => {
    const member = await newMember();
    const attempt = (body: unknown) =>
      http()
        .post(`/api/courses/${REFRIGERANTS.slug}/quiz/attempts`)
        .set(bearer(member.token))
        .send(body as object);
    const [first] = REFRIGERANTS.quiz!.questions;
    for (const body of [
      { answers: { nope: 'a' } },
      { answers: { [first.id]: 'zz' } },
      { answers: { [first.id]: ['a', 'b'] } },
      { answers: { [first.id]: { $gt: '' } } },
      { answers: { $where: 'a' } },
      { answers: { [first.id]: 5 } },
      { answers: [first.id] },
      { answers: 'a' },
      {},
      { answers: {}, extra: true },
      { answers: { ['q'.repeat(10_000)]: 'a' } },
    ]) {
      const response = await attempt(body);
      expect([response.status, body]).toEqual([400, body]);
    }
    const course = await http().get(`/api/courses/${REFRIGERANTS.slug}`).set(bearer(member.token)).expect(200);
    expect(course.body.myQuiz).toMatchObject({ attempts: 0, attemptsLeftToday: 3 });
  });

  it('allows maxAttemptsPerDay attempts a day, then 409 with the time of the next try', async () => {
    const member = await newMember();
    const max = REFRIGERANTS.quiz!.maxAttemptsPerDay!;
    const results = await Promise.all(
      Array.from({ length: max + 3 }, () => attemptQuiz(member, REFRIGERANTS.slug, wrongAnswers(REFRIGERANTS))),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(max);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(3);
    const tomorrow = DateTime.now().setZone(program.organization.timezone).startOf('day').plus({ days: 1 });
    expect(refused[0].body.message).toContain(tomorrow.toUTC().toISO());
    const course = await http().get(`/api/courses/${REFRIGERANTS.slug}`).set(bearer(member.token)).expect(200);
    expect(course.body.myQuiz).toMatchObject({
      attempts: max,
      attemptsLeftToday: 0,
      nextAttemptAt: tomorrow.toUTC().toISO(),
    });
  });

  it('locks a course above my tier (lessons and attempts 403) until I reach it', async () => {
    const member = await newMember();
    const lesson = `/api/courses/${BATTERIES.slug}/lessons/${BATTERIES.lessons[0]}`;
    await http().get(lesson).set(bearer(member.token)).expect(403);
    await completeLesson(member, BATTERIES.slug, BATTERIES.lessons[0]).expect(403);
    await attemptQuiz(member, BATTERIES.slug, rightAnswers(BATTERIES)).expect(403);
    await http().get(`/api/courses/${BATTERIES.slug}/quiz/attempts`).set(bearer(member.token)).expect(403);
    const locked = await http().get(`/api/courses/${BATTERIES.slug}`).set(bearer(member.token)).expect(200);
    expect(locked.body).toMatchObject({ locked: true, quiz: { questions: [] } });

    await makeSilver(program.admin, member);
    const open = await http().get(`/api/courses/${BATTERIES.slug}`).set(bearer(member.token)).expect(200);
    expect(open.body.locked).toBe(false);
    expect(open.body.quiz.questions.length).toBe(BATTERIES.quiz!.questions.length);
    await http().get(lesson).set(bearer(member.token)).expect(200);
    // Silver earns 1.1 × the lesson's 20 points.
    expect((await completeLesson(member, BATTERIES.slug, BATTERIES.lessons[0]).expect(200)).body.pointsAwarded).toBe(
      22,
    );
  });

  it('only members take courses; staff may read them', async () => {
    const manager = await createStaff(program.admin, program.organization.inviteCode, ['manager']);
    await http()
      .get(`/api/courses/${BATTERIES.slug}/lessons/${BATTERIES.lessons[0]}`)
      .set(bearer(manager.token))
      .expect(200);
    await completeLesson(manager, HEAT_PUMPS.slug, HEAT_PUMPS.lessons[0]).expect(403);
    await attemptQuiz(manager, HEAT_PUMPS.slug, rightAnswers(HEAT_PUMPS)).expect(403);
  });

  it('completes a course once: course.completed and one certificate, badges and the lessons challenge follow', async () => {
    const member = await newMember();
    const challenge = await http()
      .post('/api/challenges')
      .set(bearer(program.admin.token))
      .send({
        title: unique('Three lessons this week'),
        description: 'Complete any three lessons.',
        kind: 'auto',
        points: 150,
        goal: { activityType: 'lesson.completed', count: 3 },
        startsAt: DateTime.now().minus({ hours: 1 }).toUTC().toISO(),
        endsAt: DateTime.now().plus({ days: 7 }).toUTC().toISO(),
        audience: { organizationIds: [program.organization.id] },
      })
      .expect(201);

    for (const lesson of HEAT_PUMPS.lessons) await completeLesson(member, HEAT_PUMPS.slug, lesson).expect(200);
    // The last step, passing the quiz, several times at once: one pass award, one certificate.
    const passes = await Promise.all(
      Array.from({ length: 4 }, () => attemptQuiz(member, HEAT_PUMPS.slug, rightAnswers(HEAT_PUMPS))),
    );
    expect(passes.map((p) => p.status)).toEqual([200, 200, 200, 200]);
    const certificateIds = new Set(passes.map((p) => p.body.certificate?.id));
    expect(certificateIds.size).toBe(1);
    const [certificateId] = certificateIds;
    expect(certificateId).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(passes.map((p) => p.body.pointsAwarded).sort()).toEqual([0, 0, 0, 50]);
    expect(await ledgerOf(member.id, 'course.completed')).toHaveLength(1);
    expect((await ledgerOf(member.id, 'course.completed'))[0].amount).toBe(100);
    const mine = await http().get('/api/me/certificates').set(bearer(member.token)).expect(200);
    expect(mine.body.items).toEqual([
      expect.objectContaining({
        id: certificateId,
        courseSlug: HEAT_PUMPS.slug,
        courseTitle: HEAT_PUMPS.title,
        verifyUrl: expect.stringMatching(new RegExp(`/verify/${certificateId}$`)),
      }),
    ]);
    const list = await http().get('/api/courses').set(bearer(member.token)).expect(200);
    expect(list.body.items.find((c: { slug: string }) => c.slug === HEAT_PUMPS.slug).myProgress).toMatchObject({
      status: 'completed',
      completedLessons: HEAT_PUMPS.lessons.length,
      certificateId,
    });
    const challengeNow = await http().get(`/api/challenges/${challenge.body.id}`).set(bearer(member.token)).expect(200);
    expect(challengeNow.body.myProgress).toMatchObject({ status: 'completed' });

    // Two more courses: "scholar" counts distinct courses (metadata courseSlug), "bookworm" 10 lessons.
    await finishCourse(member, SOLAR);
    await finishCourse(member, SELLING);
    const badges = (await http().get('/api/me/badges').set(bearer(member.token)).expect(200)).body.items.map(
      (b: { key: string }) => b.key,
    );
    expect(badges).toEqual(expect.arrayContaining(['first-steps', 'bookworm', 'scholar']));
    expect((await http().get('/api/me/certificates').set(bearer(member.token))).body.items).toHaveLength(3);
    const inbox = await http().get('/api/me/notifications').set(bearer(member.token)).expect(200);
    expect(inbox.body.items.filter((n: { type: string }) => n.type === 'certificate.issued')).toHaveLength(3);
  });
});
