// Set-up for bench/learn.mjs: the generated content, the hub process, members seeded with progress.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memberToken, ROOT, startHub as startAnyHub, userDocument } from './lib.mjs';

export const COURSES = 20;
/** Lessons per course; the first SEEDED are done in every course, the rest are there to complete. */
export const LESSONS = 10;
export const SEEDED = 3;
/** The hub's JWT secret in the bench, so member tokens are minted rather than logged in (argon2). */
export const SECRET = 'bench-only-secret-bench-only-secret-bench';

export /** A content folder: the repository's tiers, rules, badges and tips, and 20 generated courses. */
function writeContent(dir) {
  for (const file of ['tiers.yaml', 'rules.yaml', 'badges.yaml', 'tips.yaml']) {
    cpSync(join(ROOT, 'content', file), join(dir, file));
  }
  for (let c = 0; c < COURSES; c++) {
    const lessons = Array.from({ length: LESSONS }, (_, l) => `lesson-${l + 1}`);
    const course = join(dir, 'courses', `course-${c + 1}`);
    mkdirSync(join(course, 'lessons'), { recursive: true });
    const yaml = [
      `title: Bench course ${c + 1}`,
      'summary: A generated course for the benchmark.',
      `order: ${c + 1}`,
      'modules:',
      `  - title: First half\n    lessons: [${lessons.slice(0, 5).join(', ')}]`,
      `  - title: Second half\n    lessons: [${lessons.slice(5).join(', ')}]`,
      'quiz:\n  passPercent: 80\n  questions:',
      '    - { id: q1, type: single, prompt: One?, options: [{ id: a, text: A }, { id: b, text: B }], answer: a }',
      '    - { id: q2, type: multi, prompt: Two?, options: [{ id: a, text: A }, { id: b, text: B }, { id: c, text: C }], answer: [a, c] }',
    ].join('\n');
    writeFileSync(join(course, 'course.yaml'), `${yaml}\n`);
    for (const [l, slug] of lessons.entries()) {
      const text = `# Lesson ${l + 1}\n\n${'A paragraph of **lesson** text about heat pumps and solar. '.repeat(20)}\n`;
      writeFileSync(join(course, 'lessons', `${slug}.md`), text);
    }
  }
}

/** The hub for bench/learn.mjs: the bench's JWT secret (member tokens are minted), no background jobs. */
export const startHub = (options) => startAnyHub({ ...options, env: { JWT_SECRET: SECRET, ...options.env } });

/**
 * Members `from`..`to` straight into the hub's database (registration would spend minutes in
 * argon2), each with progress in every course: lessons 1..SEEDED done, a started quiz in some.
 */
export async function seedMembers(db, organizationId, from, to, runId) {
  const users = [];
  const progress = [];
  const now = new Date();
  for (let i = from; i < to; i++) {
    const user = userDocument({
      email: `member${i}-${runId}@bench.test`,
      passwordHash: 'not-used: tokens are minted with the bench secret',
      displayName: `Member ${i}`,
      organizationId,
      now,
    });
    users.push(user);
    const courses = {};
    for (let c = 1; c <= COURSES; c++) {
      const lessons = Object.fromEntries(Array.from({ length: SEEDED }, (_, l) => [`lesson-${l + 1}`, now]));
      courses[`course-${c}`] = {
        startedAt: now,
        lessons,
        ...(c % 4 === 0 ? { quiz: { attempts: 1, bestScore: 50, lastScore: 50, lastAttemptAt: now } } : {}),
      };
    }
    progress.push({ _id: user._id, courses });
  }
  for (let i = 0; i < users.length; i += 500) {
    await db.collection('users').insertMany(users.slice(i, i + 500), { ordered: false });
    await db.collection('course_progress').insertMany(progress.slice(i, i + 500), { ordered: false });
  }
  return users.map((user) => ({
    id: user._id,
    token: memberToken(user._id, SECRET, '4h'),
  }));
}
