// Set-up for bench/learn.mjs: the generated content, the hub process, members seeded with progress.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep } from './lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const jwt = require('jsonwebtoken');
const { ObjectId } = require('mongodb');

export const COURSES = 20;
/** Lessons per course; the first SEEDED are done in every course, the rest are there to complete. */
export const LESSONS = 10;
export const SEEDED = 3;
/** The hub's JWT secret in the bench, so member tokens are minted rather than logged in (argon2). */
export const SECRET = 'bench-only-secret-bench-only-secret-bench';
export const ADMIN = { HUB_ADMIN_EMAIL: 'bench-admin@hub.test', HUB_ADMIN_PASSWORD: 'bench-admin-password' };
const LIMITS = { WRITE_RATE_LIMIT: '100000000', LOGIN_RATE_LIMIT: '1000', REGISTER_RATE_LIMIT: '100000' };

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

export async function startHub(env) {
  const port = await freePort();
  const all = { ...process.env, ...ADMIN, ...LIMITS, ...env, PORT: String(port), HOST: '127.0.0.1' };
  Object.assign(all, { LOG_LEVEL: 'warn', HUB_DEMO: 'false', JWT_SECRET: SECRET, JOBS_INTERVAL_MINUTES: '0' });
  const child = spawn(process.execPath, [join(ROOT, 'api/dist/main.js')], {
    env: all,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => (output = (output + chunk).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(250)) {
    if (child.exitCode !== null) throw new Error(`The hub exited with ${child.exitCode}:\n${output}`);
    const health = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
    if (health?.ok) return { base, child };
  }
  throw new Error(`The hub did not become healthy in 120 s:\n${output}`);
}

export async function post(base, path, body, headers = {}) {
  const res = await fetch(base + path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path} → ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/**
 * Members `from`..`to` straight into the hub's database (registration would spend minutes in
 * argon2), each with progress in every course: lessons 1..SEEDED done, a started quiz in some.
 */
export async function seedMembers(db, organizationId, from, to, runId) {
  const users = [];
  const progress = [];
  const now = new Date();
  for (let i = from; i < to; i++) {
    const _id = new ObjectId();
    users.push({
      _id,
      email: `member${i}-${runId}@bench.test`,
      passwordHash: 'not-used: tokens are minted with the bench secret',
      displayName: `Member ${i}`,
      roles: ['member'],
      organizationId,
      teamId: null,
      locale: 'en',
      timezone: null,
      leaderboardOptIn: true,
      tierKey: 'member',
      tierBelowSince: null,
      referredByCode: null,
      createdAt: now,
      updatedAt: now,
    });
    const courses = {};
    for (let c = 1; c <= COURSES; c++) {
      const lessons = Object.fromEntries(Array.from({ length: SEEDED }, (_, l) => [`lesson-${l + 1}`, now]));
      courses[`course-${c}`] = {
        startedAt: now,
        lessons,
        ...(c % 4 === 0 ? { quiz: { attempts: 1, bestScore: 50, lastScore: 50, lastAttemptAt: now } } : {}),
      };
    }
    progress.push({ _id, courses });
  }
  for (let i = 0; i < users.length; i += 500) {
    await db.collection('users').insertMany(users.slice(i, i + 500), { ordered: false });
    await db.collection('course_progress').insertMany(progress.slice(i, i + 500), { ordered: false });
  }
  return users.map((user) => ({
    id: user._id,
    token: jwt.sign({ sub: user._id.toHexString() }, SECRET, { expiresIn: '4h' }),
  }));
}
