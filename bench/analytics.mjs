#!/usr/bin/env node
// Analytics: GET /api/analytics/overview (the last 30 days of one organization) and a 90-day daily
// series (active members: the distinct-count histogram), p50/p95 under 10 connections, beside the raw
// driver reading the same rollup documents by `_id` (and the organization's member count, as the
// overview does) in the same run on the same server. Twice: with the leaderboard bench's world
// (100 organizations, 20,000 members) and with 2,000 members, a year of history each, to show that a
// read does not grow with the history (it reads the range's month documents only).
//
// Usage, from the repository root once api/dist is built:
//   node bench/analytics.mjs            20,000 then 2,000 members, 10 s per measurement (~4 min)
//   node bench/analytics.mjs --quick    2,000 members only, 3 s per measurement
//   BENCH_SECONDS=20 BENCH_CONNECTIONS=10 node bench/analytics.mjs
// It starts its own FerretDB and hub (REDIS_URL=none) on 127.0.0.1 in a temp directory and removes
// them when done. The history is written directly as rollup documents (what the hub keeps as things
// happen; `analytics:rebuild` makes the same from a ledger) and balance totals, plus the users.
// The report goes to stdout and to bench/results/analytics-<timestamp>.json.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, log, positiveInt, sleep, stopProcess, withCores } from './lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startEmbeddedDatabase } = require(join(ROOT, 'api/dist/database/embedded-database.js'));
const autocannon = require('autocannon');
const { MongoClient, ObjectId } = require('mongodb');
const { DateTime } = require('luxon');

const QUICK = process.argv.includes('--quick');
const SECONDS = positiveInt('BENCH_SECONDS', QUICK ? 3 : 10);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 10);
const ORGS = positiveInt('BENCH_ORGS', 100);
const SIZES = QUICK ? [2_000] : [20_000, 2_000];
const HISTORY_DAYS = 365;
const ZONES = ['Europe/Stockholm', 'Asia/Tokyo', 'America/Chicago', 'UTC'];
const ADMIN = { HUB_ADMIN_EMAIL: 'bench-admin@hub.test', HUB_ADMIN_PASSWORD: 'bench-admin-password' };
const RUN_ID = Date.now().toString(36);
const CHILDREN = new Set();
const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

function summarize(samples, seconds) {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const at = (p) => round(sorted[Math.max(0, Math.ceil((p / 100) * n) - 1)] ?? NaN);
  return { requests: n, seconds: round(seconds), perSec: round(n / seconds), p50: at(50), p95: at(95), p99: at(99) };
}

function start(command, args, env) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  CHILDREN.add(child);
  child.once('exit', () => CHILDREN.delete(child));
  child.output = '';
  const keep = (chunk) => (child.output = (child.output + chunk).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return child;
}

async function startHub(mongoUri, dataDir) {
  const port = await freePort();
  const env = {
    ...process.env,
    ...ADMIN,
    MONGODB_URI: mongoUri,
    HUB_DATA_DIR: dataDir,
    REDIS_URL: 'none',
    PORT: String(port),
    HOST: '127.0.0.1',
    JWT_SECRET: `bench-jwt-secret-${RUN_ID}-0123456789abcdef`,
    LOG_LEVEL: 'warn',
    HUB_DEMO: 'false',
    LOGIN_RATE_LIMIT: '100000',
    JOBS_INTERVAL_MINUTES: '0',
  };
  const child = start(process.execPath, [join(ROOT, 'api/dist/main.js')], env);
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 180_000; Date.now() < deadline; await sleep(250)) {
    if (child.exitCode !== null) throw new Error(`The hub exited with ${child.exitCode}:\n${child.output}`);
    const health = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
    if (health?.ok) return { base, child };
  }
  throw new Error(`The hub did not become healthy in 180 s:\n${child.output}`);
}

// ---------------------------------------------------------------------------------------------
// The world: organizations, members (one shared password hash: nobody logs in but the admin), and a
// year of rollups per organization and for the program, as the hub keeps them.

const pick = (n) => Math.floor(Math.random() * n);

/** One day's counters and active-day histogram for `active` members (gaps spread like weekly use). */
function dayCounters(active) {
  const h = {};
  let left = active;
  const shares = { 1: 0.5, 2: 0.25, 3: 0.14, 7: 0.09, 60: 0.02 };
  for (const gap of ['1', '2', '3', '7', '60']) {
    const n = gap === '60' ? left : Math.min(left, Math.round(active * shares[gap]));
    if (n > 0) h[gap] = n;
    left -= n;
  }
  const lessons = pick(active * 2 + 1);
  return {
    activities: active * 2,
    lessonsCompleted: lessons,
    quizzesPassed: pick(active + 1),
    coursesCompleted: pick(Math.ceil(active / 5) + 1),
    challengesCompleted: pick(Math.ceil(active / 4) + 1),
    eventsAttended: pick(Math.ceil(active / 3) + 1),
    responses: pick(Math.ceil(active / 6) + 1),
    pointsIssued: active * (20 + pick(80)),
    pointsRedeemed: pick(active * 30 + 1),
    redemptions: pick(Math.ceil(active / 10) + 1),
    promoters: pick(4),
    passives: pick(3),
    detractors: pick(2),
    h,
  };
}

async function seed(db, members) {
  const now = new Date();
  const orgs = Array.from({ length: ORGS }, (_, i) => ({
    _id: new ObjectId(),
    name: `Bench org ${i}`,
    timezone: ZONES[i % ZONES.length],
    inviteCode: `B${RUN_ID.slice(-3)}${i.toString(36).padStart(4, '0')}`.toUpperCase().slice(0, 8),
    createdAt: now,
    updatedAt: now,
  }));
  await db.collection('organizations').insertMany(orgs);
  const perOrg = new Array(ORGS).fill(0);
  let users = [];
  for (let m = 0; m < members; m++) {
    const o = m % ORGS;
    perOrg[o]++;
    users.push({
      _id: new ObjectId(),
      email: `member${m}@bench.test`,
      passwordHash: 'not-used',
      displayName: `Member ${m}`,
      roles: ['member'],
      organizationId: orgs[o]._id,
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
    if (users.length === 1000) (await db.collection('users').insertMany(users, { ordered: false }), (users = []));
  }
  if (users.length) await db.collection('users').insertMany(users, { ordered: false });
  // The member counts the users repository keeps as people join (read by `_id`, never counted).
  await db
    .collection('member_counts')
    .insertMany([
      ...orgs.map((org, i) => ({ _id: org._id.toHexString(), members: perOrg[i] })),
      { _id: 'program', members },
    ]);
  await db.collection('users').createIndex({ email: 1 }, { unique: true });
  await db.collection('users').createIndex({ organizationId: 1, _id: -1 });

  const rollups = [];
  let balanceProgram = 0;
  const program = new Map();
  for (const [i, org] of orgs.entries()) {
    const today = DateTime.fromJSDate(now, { zone: org.timezone }).startOf('day');
    const months = new Map();
    for (let back = 0; back < HISTORY_DAYS; back++) {
      const day = today.minus({ days: back });
      const active = Math.round(perOrg[i] * (0.05 + Math.random() * 0.15));
      const counters = dayCounters(active);
      const id = `${org._id.toHexString()}:${day.toFormat('yyyy-MM')}`;
      const doc = months.get(id) ?? { _id: id, d: {} };
      doc.d[day.toFormat('dd')] = counters;
      months.set(id, doc);
      const programDay = program.get(day.toISODate()) ?? {};
      for (const [key, value] of Object.entries(counters)) {
        if (key === 'h') {
          programDay.h ??= {};
          for (const [gap, n] of Object.entries(value)) programDay.h[gap] = (programDay.h[gap] ?? 0) + n;
        } else programDay[key] = (programDay[key] ?? 0) + value;
      }
      program.set(day.toISODate(), programDay);
    }
    rollups.push(...months.values());
    const balance = perOrg[i] * (200 + pick(800));
    balanceProgram += balance;
    rollups.push({ _id: `balance:${org._id.toHexString()}`, b: balance });
  }
  const programMonths = new Map();
  for (const [day, counters] of program) {
    const id = `program:${day.slice(0, 7)}`;
    const doc = programMonths.get(id) ?? { _id: id, d: {} };
    doc.d[day.slice(8, 10)] = counters;
    programMonths.set(id, doc);
  }
  rollups.push(...programMonths.values(), { _id: 'balance:program', b: balanceProgram });
  for (let i = 0; i < rollups.length; i += 200)
    await db.collection('analytics_rollups').insertMany(rollups.slice(i, i + 200));
  return { orgs, rollups: rollups.length };
}

function runGet(url, token, seconds) {
  const samples = [];
  const outcome = { firstRefusal: null };
  const req = {
    onResponse: (status, body) => {
      if (status < 200 || status > 299) outcome.firstRefusal ??= `${status} ${body.slice(0, 200)}`;
    },
  };
  return new Promise((done, fail) => {
    const options = {
      url,
      connections: CONNECTIONS,
      duration: seconds,
      headers: { authorization: `Bearer ${token}` },
      timeout: 20,
      requests: [req],
    };
    const instance = autocannon(options, (error, result) => {
      if (error) return fail(error);
      const { non2xx, errors, timeouts } = result;
      done({ ...summarize(samples, result.duration), non2xx, errors, timeouts, ...outcome });
    });
    instance.on('response', (_client, status, _bytes, ms) => status >= 200 && status < 300 && samples.push(ms));
  });
}

/** CONNECTIONS loops doing `work` back to back for `seconds`, each timed like a request. */
async function runRaw(work, seconds) {
  const samples = [];
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        await work();
        samples.push(performance.now() - sent);
      }
    }),
  );
  return summarize(samples, (performance.now() - t0) / 1000);
}

const monthIds = (scope, from, to) => {
  const ids = [];
  for (let month = from.startOf('month'); month <= to; month = month.plus({ months: 1 }))
    ids.push(`${scope}:${month.toFormat('yyyy-MM')}`);
  return ids;
};

async function measureSize(members, tmp) {
  const dbDir = join(tmp, `db-${members}`);
  const db = await startEmbeddedDatabase({
    dataDir: dbDir,
    toolsDir: join(ROOT, '.tools'),
    log: (l) => log(`db: ${l}`),
  });
  const ferretPid = JSON.parse(readFileSync(join(dbDir, 'embedded-db.json'), 'utf8')).pid;
  const mongoUri = `${db.uri}/hub_bench`;
  const client = await new MongoClient(mongoUri, { serverSelectionTimeoutMS: 10_000 }).connect();
  let hub;
  try {
    log(`seeding ${ORGS} organizations, ${members} members, ${HISTORY_DAYS} days of rollups`);
    let t0 = performance.now();
    const seeded = await seed(client.db(), members);
    const seedSeconds = round((performance.now() - t0) / 1000, 1);
    log(`seeded ${seeded.rollups} rollup documents in ${seedSeconds} s`);
    hub = await startHub(mongoUri, join(tmp, `hub-${members}`));
    const login = await fetch(`${hub.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN.HUB_ADMIN_EMAIL, password: ADMIN.HUB_ADMIN_PASSWORD }),
    });
    const token = (await login.json()).accessToken;
    const org = seeded.orgs[0];
    const orgId = org._id.toHexString();
    const today = DateTime.now().setZone(org.timezone).startOf('day');
    const from90 = today.minus({ days: 89 });
    const overviewUrl = `${hub.base}/api/analytics/overview?organizationId=${orgId}`;
    const seriesUrl = `${hub.base}/api/analytics/series?metric=activeMembers&interval=day&organizationId=${orgId}&from=${from90.toISODate()}&to=${today.toISODate()}`;
    const check = await (await fetch(overviewUrl, { headers: { authorization: `Bearer ${token}` } })).json();
    const series = await (await fetch(seriesUrl, { headers: { authorization: `Bearer ${token}` } })).json();
    log(`overview: ${check.members} members, ${check.activeMembers} active; series: ${series.items?.length} days`);

    const rollups = client.db().collection('analytics_rollups');
    const counts = client.db().collection('member_counts');
    const byId = (ids) => Promise.all(ids.map((id) => rollups.findOne({ _id: id })));
    const overviewIds = [...monthIds(orgId, today.minus({ days: 29 }), today), `balance:${orgId}`];
    const seriesIds = monthIds(orgId, from90, today);
    const pids = { hub: hub.child.pid, ferretdb: ferretPid };
    const warm = async () => {
      await runGet(overviewUrl, token, 1);
      await runGet(seriesUrl, token, 1);
    };
    await warm();
    const out = {
      members,
      organizations: ORGS,
      historyDays: HISTORY_DAYS,
      rollupDocuments: seeded.rollups,
      seedSeconds,
    };
    out.check = { members: check.members, activeMembers: check.activeMembers, seriesDays: series.items?.length };
    log(`GET overview, ${SECONDS} s × ${CONNECTIONS} connections`);
    out.hubOverview = await withCores(pids, () => runGet(overviewUrl, token, SECONDS));
    log(`raw driver: the overview's documents by _id + the member count`);
    out.rawOverview = await withCores(pids, () =>
      runRaw(() => Promise.all([byId(overviewIds), counts.findOne({ _id: orgId })]), SECONDS),
    );
    log(`GET 90-day daily series, ${SECONDS} s × ${CONNECTIONS} connections`);
    out.hubSeries = await withCores(pids, () => runGet(seriesUrl, token, SECONDS));
    log(`raw driver: the series' ${seriesIds.length} month documents by _id`);
    out.rawSeries = await withCores(pids, () => runRaw(() => byId(seriesIds), SECONDS));
    out.ratios = {
      overview: round(out.hubOverview.perSec / out.rawOverview.perSec),
      series: round(out.hubSeries.perSec / out.rawSeries.perSec),
    };
    return out;
  } finally {
    await stopProcess(hub?.child);
    await client.close();
    await db.stop();
  }
}

function report(result) {
  const line = (label, s) =>
    `  ${label.padEnd(44)} ${String(s.perSec).padStart(8)} req/s  p50 ${String(s.p50).padStart(7)} ms  p95 ${String(s.p95).padStart(7)} ms` +
    (s.non2xx ? `  non-2xx ${s.non2xx}` : '') +
    (s.cores ? `  cores ${JSON.stringify(s.cores)}` : '');
  console.log(
    `analytics benchmark, ${result.connections} connections, ${result.seconds} s each (${result.versions.server})`,
  );
  for (const size of result.sizes) {
    console.log(
      `\n${size.members} members, ${size.organizations} organizations, ${size.historyDays} days (${size.rollupDocuments} rollup documents)`,
    );
    console.log(line('GET /api/analytics/overview (30 days)', size.hubOverview));
    console.log(line('raw: same documents + member count', size.rawOverview));
    console.log(line('GET /api/analytics/series (90 days, daily)', size.hubSeries));
    console.log(line('raw: same month documents', size.rawSeries));
    console.log(`  ratios (hub ÷ raw, req/s): ${JSON.stringify(size.ratios)}`);
  }
  if (result.problems.length) console.log(`\nproblems: ${result.problems.join('; ')}`);
}

async function main() {
  const began = performance.now();
  const tmp = mkdtempSync(join(tmpdir(), 'hub-bench-analytics-'));
  process.once('exit', () => {
    for (const child of CHILDREN) child.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
  setTimeout(() => (log('watchdog: over 15 min, stopping'), process.exit(1)), 15 * 60_000).unref();
  const result = {
    benchmark: 'analytics',
    at: null,
    seconds: SECONDS,
    connections: CONNECTIONS,
    sizes: [],
    problems: [],
  };
  for (const members of SIZES) {
    const size = await measureSize(members, tmp);
    for (const key of ['hubOverview', 'hubSeries'])
      if (size[key].non2xx || size[key].errors) result.problems.push(`${members}/${key}: ${size[key].firstRefusal}`);
    result.sizes.push(size);
  }
  result.versions = {
    node: process.version,
    server: 'FerretDB (embedded)',
    autocannon: require('autocannon/package.json').version,
    driver: require('mongodb/package.json').version,
  };
  result.at = new Date().toISOString();
  result.totalSeconds = round((performance.now() - began) / 1000, 1);
  result.file = join(ROOT, 'bench/results', `analytics-${result.at.replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(result.file), { recursive: true });
  writeFileSync(result.file, JSON.stringify(result, null, 2) + '\n');
  report(result);
  return result.problems.length ? 2 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => (console.error(error?.stack ?? error), process.exit(1)),
);
