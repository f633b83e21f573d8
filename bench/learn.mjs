#!/usr/bin/env node
// Learn and Earn: GET /api/courses (the catalog with my progress) and lesson completion, each beside
// the raw mongodb driver doing the same minimal reads or writes on the same embedded FerretDB in the
// same run; and the same GET at 200 and at 2,000 members, to show its cost does not grow with them.
//
// Usage, from the repository root once api/dist is built (nothing to install):
//   node bench/learn.mjs            20 s per measurement, 20 connections (hub) / workers (raw)
//   node bench/learn.mjs --quick    5 s per measurement
//   BENCH_SECONDS=30 BENCH_CONNECTIONS=20 BENCH_MEMBERS=2000 node bench/learn.mjs
// It starts its own FerretDB and hub on 127.0.0.1 in a temp directory (with a generated content
// folder of 20 courses) and removes both when done. The report goes to stdout and to
// bench/results/learn-<timestamp>.json. Exit code 0 when every part ran with only 2xx answers,
// 2 when a part saw non-2xx answers or errors, 1 on a failure.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { COURSES, LESSONS, SEEDED, seedMembers, startHub, writeContent } from './learn-setup.mjs';
import { adminToken, loadRun, log, percentiles, positiveInt, post, prepareRun, ROOT, round, run } from './lib.mjs';
import { startDatabase, stopProcess, timedWorkers, withCores } from './lib.mjs';

const require = createRequire(import.meta.url);
const { MongoClient, ObjectId } = require('mongodb');

const QUICK = process.argv.includes('--quick');
const SECONDS = positiveInt('BENCH_SECONDS', QUICK ? 5 : 20);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 20);
const MEMBERS = positiveInt('BENCH_MEMBERS', 2000);
const FEW_MEMBERS = Math.min(200, MEMBERS);
const WARMUP_SECONDS = QUICK ? 1 : 3;
const RUN_ID = Date.now().toString(36);
const PIDS = {};

const ratio = (a, b) => Math.round((a / b) * 1000) / 1000;

/** req/s and nearest-rank percentiles, the same way for both sides. */
function summarize(samples, seconds) {
  const { count, ...ranks } = percentiles(samples);
  return { requests: count, perSec: round(count / seconds), ...ranks };
}

/** autocannon with one request per call of `next()` (method, path, token); only 2xx answers are samples. */
async function runHub(base, seconds, next) {
  const outcome = { firstRefusal: null };
  const setupRequest = (req) => {
    const { method, path, token } = next();
    return { ...req, method, path, headers: { ...req.headers, authorization: `Bearer ${token}` } };
  };
  const onResponse = (status, body) => {
    const ok = status >= 200 && status < 300;
    if (!ok) outcome.firstRefusal ??= `${status} ${body.slice(0, 200)}`;
    return ok;
  };
  const options = { url: base, connections: CONNECTIONS, duration: seconds };
  const { samples, result } = await loadRun(options, { setupRequest, onResponse });
  const { non2xx, errors, timeouts } = result;
  return { ...summarize(samples, result.duration), non2xx, errors, timeouts, ...outcome };
}

/** CONNECTIONS workers, each doing `work(worker)` in a loop for `seconds`. */
async function runRaw(seconds, work) {
  const { samples, failures } = await timedWorkers(CONNECTIONS, seconds, work);
  return { ...summarize(samples, seconds), ...failures };
}

const measure = async (name, run) => {
  log(`${name}: ${WARMUP_SECONDS} s warm-up, then ${SECONDS} s`);
  await run(WARMUP_SECONDS);
  return withCores({ hub: PIDS.hub, ferretdb: PIDS.ferretdb }, () => run(SECONDS));
};

/** GET /api/courses round robin over `members`, and the raw floor: the member's progress and user documents by `_id`. */
async function measureCatalog(hub, hubDb, members, label) {
  let n = 0;
  const hubSide = await measure(`${label}: hub GET /api/courses`, (s) =>
    runHub(hub.base, s, () => ({ method: 'GET', path: '/api/courses', token: members[n++ % members.length].token })),
  );
  let m = 0;
  const progress = hubDb.collection('course_progress');
  const users = hubDb.collection('users');
  const rawSide = await measure(`${label}: raw findOne by _id ×2`, (s) =>
    runRaw(s, async () => {
      const { id } = members[m++ % members.length];
      await Promise.all([progress.findOne({ _id: id }), users.findOne({ _id: id })]);
    }),
  );
  return { hub: hubSide, raw: rawSide, ratio: ratio(hubSide.perSec, rawSide.perSec) };
}

/**
 * Every member completes one lesson through the hub first (the last lesson of the last course, out
 * of the measured sequence): members with progress have been active, and a first award is not the
 * steady state (it earns the "first steps" badge, creates the wallet and the statistics).
 */
async function firstCompletions(hub, members) {
  let next = 0;
  let refused = 0;
  const worker = async () => {
    while (next < members.length) {
      const member = members[next++];
      const path = `/api/courses/course-${COURSES}/lessons/lesson-${LESSONS}/complete`;
      const res = await fetch(hub.base + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${member.token}` },
      });
      await res.text();
      if (!res.ok) refused++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const seconds = round((performance.now() - t0) / 1000);
  log(`first completions: ${members.length} in ${seconds} s (${refused} refused)`);
  return { members: members.length, seconds, refused };
}

/**
 * Lesson completion: each request completes a lesson not done yet (member round robin, then
 * course, then lesson). The raw floor is what one completion minimally writes: the progress `$set`
 * (on a copy of the seeded progress: documents as large as the hub's), the member's daily cap
 * counter `$inc` (lesson.completed has a daily cap in rules.yaml), the ledger insert carrying the
 * activity (as the hub stores it), the wallet `$inc` — each worker owning its members, as
 * FerretDB's `$inc` is not atomic.
 */
async function measureCompletion(hub, hubDb, rawDb, members) {
  let n = 0;
  const target = (k) => ({
    member: members[k % members.length],
    course: `course-${1 + (Math.floor(k / members.length) % COURSES)}`,
    lesson: `lesson-${SEEDED + 1 + Math.floor(k / (members.length * COURSES))}`,
  });
  const hubSide = await measure('hub POST …/lessons/:lesson/complete', (s) =>
    runHub(hub.base, s, () => {
      const { member, course, lesson } = target(n++);
      return { method: 'POST', path: `/api/courses/${course}/lessons/${lesson}/complete`, token: member.token };
    }),
  );
  const [progress, counters, ledger, wallets] = ['course_progress', 'counters', 'ledger', 'wallets'].map((c) =>
    rawDb.collection(c),
  );
  const day = new Date().toISOString().slice(0, 10);
  // The raw side updates documents of the same size as the hub's: the members' progress as seeded.
  const seeded = await hubDb.collection('course_progress').find({}).toArray();
  for (let i = 0; i < seeded.length; i += 500) await progress.insertMany(seeded.slice(i, i + 500));
  const done = Array(CONNECTIONS).fill(0);
  const mine = Array.from({ length: CONNECTIONS }, (_, w) => members.filter((_, i) => i % CONNECTIONS === w));
  const rawSide = await measure('raw completion writes', (s) =>
    runRaw(s, async (w) => {
      const k = done[w]++;
      const userId = mine[w][k % mine[w].length].id;
      const course = `course-${1 + (Math.floor(k / mine[w].length) % COURSES)}`;
      const lesson = `lesson-${SEEDED + 1 + Math.floor(k / (mine[w].length * COURSES))}`;
      const at = new Date();
      const key = `lesson:${course}:${lesson}:${userId}`;
      const path = `courses.${course}.lessons.${lesson}`;
      await progress.updateOne({ _id: userId }, { $set: { [path]: at } }, { upsert: true });
      const cap = `cap|${userId}|lesson.completed|day|${day}`;
      await counters.updateOne({ _id: cap }, { $inc: { value: 20 } }, { upsert: true });
      const metadata = { courseSlug: course, lessonSlug: lesson };
      // The activity goes on its ledger entry, as the hub stores it.
      await ledger.insertOne({
        userId,
        amount: 20,
        kind: 'earn',
        reason: 'lesson',
        source: { type: 'lesson.completed', id: null },
        idempotencyKey: key,
        activity: { value: null, metadata, reason: null, reportedBy: { kind: 'feature', id: null } },
        createdAt: at,
      });
      const $inc = { balance: 20, lifetime: 20, qualifying: 20 };
      await wallets.updateOne({ _id: userId }, { $inc }, { upsert: true });
    }),
  );
  return { hub: hubSide, raw: rawSide, ratio: ratio(hubSide.perSec, rawSide.perSec) };
}

function report(r) {
  const row = (name, s) =>
    name.padEnd(40) +
    [s.perSec, s.p50, s.p95, s.p99, s.non2xx ?? '-', s.errors].map((v) => String(v ?? '-').padStart(9)).join('');
  const cores = (s) =>
    Object.entries(s.cores)
      .map((entry) => entry.join(' '))
      .join(', ');
  const block = (title, part) => [
    title,
    row('  hub', part.hub),
    row('  raw driver', part.raw),
    `  hub/raw throughput ${part.ratio}x   (cores: hub side ${cores(part.hub)}; raw side ${cores(part.raw)})`,
    ...(part.hub.firstRefusal ? [`  first non-2xx: ${part.hub.firstRefusal}`] : []),
    ...(part.raw.firstError ? [`  first raw error: ${part.raw.firstError}`] : []),
  ];
  const lines = [
    `\nLearn and Earn, ${r.seconds} s per measurement after ${r.warmupSeconds} s warm-up, ${r.connections} connections / workers,`,
    `${r.courses} courses × ${r.lessons} lessons; node ${r.versions.node}, ${r.versions.engine} ${r.versions.server}\n`,
    ''.padEnd(40) + ['req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'errors'].map((h) => h.padStart(9)).join(''),
    ...block(`GET /api/courses, ${r.fewMembers} members`, r.catalogFew),
    ...block(`GET /api/courses, ${r.members} members (all asking)`, r.catalogMany),
    ...block(`GET /api/courses, ${r.members} members (the first ${r.fewMembers} asking)`, r.catalogManyHot),
    ...block(`POST /api/courses/:slug/lessons/:lesson/complete, ${r.members} members`, r.completion),
    '',
    `GET at ${r.members} vs ${r.fewMembers} members: throughput ${r.growth.throughput}x, p50 ${r.growth.p50}x (1 = no growth);`,
    `  the same ${r.fewMembers} asking among ${r.members}: throughput ${r.growth.sameAskersThroughput}x, p50 ${r.growth.sameAskersP50}x`,
    `Before the completion run each member completed a first lesson: ${r.warmUp.members} in ${r.warmUp.seconds} s (${r.warmUp.refused} refused).`,
    `JSON: ${r.file}\n`,
  ];
  console.log(lines.join('\n'));
}

async function main() {
  let db, hub, client;
  const tmp = prepareRun('learn', {
    watchdogMs: (6 * (SECONDS + WARMUP_SECONDS) + 600) * 1000,
    onExit: () => hub?.child.kill('SIGKILL'),
  });
  try {
    const content = join(tmp, 'content');
    writeContent(content);
    ({ db, pid: PIDS.ferretdb } = await startDatabase(tmp));
    client = await new MongoClient(db.uri, { maxPoolSize: CONNECTIONS + 5 }).connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    hub = await startHub({
      mongoUri: `${db.uri}/hub_bench`,
      dataDir: join(tmp, 'hub'),
      redis: 'embedded', // the default store, as npm start runs
      env: { HUB_CONTENT_DIR: content },
    });
    PIDS.hub = hub.child.pid;
    const admin = await adminToken(hub.base);
    const org = await post(
      hub.base,
      '/api/organizations',
      { name: `Bench ${RUN_ID}`, timezone: 'Europe/Stockholm' },
      { authorization: `Bearer ${admin}` },
    );
    const hubDb = client.db('hub_bench');
    const organizationId = new ObjectId(org.id);

    log(`seeding ${FEW_MEMBERS} members with progress in ${COURSES} courses`);
    const members = await seedMembers(hubDb, organizationId, 0, FEW_MEMBERS, RUN_ID);
    const catalogFew = await measureCatalog(hub, hubDb, members, `${FEW_MEMBERS} members`);
    log(`seeding up to ${MEMBERS} members`);
    members.push(...(await seedMembers(hubDb, organizationId, FEW_MEMBERS, MEMBERS, RUN_ID)));
    const catalogMany = await measureCatalog(hub, hubDb, members, `${MEMBERS} members`);
    // The same 200 members asking, now among 2,000: the per-member caches behave as in the first run,
    // so what is left is whether the number of members itself costs anything.
    const catalogManyHot = await measureCatalog(
      hub,
      hubDb,
      members.slice(0, FEW_MEMBERS),
      `${MEMBERS} members, ${FEW_MEMBERS} asking`,
    );
    log(`warming up: each of the ${MEMBERS} members completes a first lesson`);
    const warmUp = await firstCompletions(hub, members);
    const completion = await measureCompletion(hub, hubDb, client.db('raw_bench'), members);

    const at = new Date().toISOString();
    const file = join(ROOT, 'bench/results', `learn-${at.replace(/[:.]/g, '-')}.json`);
    const versions = { node: process.version, engine: db.engine, server: info.ferretdbVersion ?? info.version };
    const growth = {
      throughput: ratio(catalogMany.hub.perSec, catalogFew.hub.perSec),
      p50: ratio(catalogMany.hub.p50, catalogFew.hub.p50),
      sameAskersThroughput: ratio(catalogManyHot.hub.perSec, catalogFew.hub.perSec),
      sameAskersP50: ratio(catalogManyHot.hub.p50, catalogFew.hub.p50),
    };
    const settings = {
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      connections: CONNECTIONS,
      courses: COURSES,
      lessons: LESSONS,
    };
    const result = {
      benchmark: 'learn',
      at,
      ...settings,
      members: MEMBERS,
      fewMembers: FEW_MEMBERS,
      versions,
      catalogFew,
      catalogMany,
      catalogManyHot,
      warmUp,
      completion,
      growth,
      file,
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    report(result);
    const clean = [catalogFew, catalogMany, catalogManyHot, completion].every(
      (p) => !p.hub.non2xx && !p.hub.errors && !p.raw.errors,
    );
    return clean ? 0 : 2;
  } finally {
    await stopProcess(hub?.child);
    await client?.close();
    await db?.stop();
  }
}

run(main);
