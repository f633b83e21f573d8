#!/usr/bin/env node
// Leaderboards: GET /api/leaderboards latency on the hub's default store (Redis sorted sets in the
// redis-server the hub starts itself when REDIS_URL is unset) against bare Redis commands on the same
// key, live push latency of `leaderboard.updated` to 500 sockets while awards arrive, the hub's memory
// per socket, and (for the record) the same GET on the MongoDB bucket store (REDIS_URL=none).
//
// Usage, from the repository root once api/dist is built (no npm script, nothing to install):
//   node bench/leaderboards.mjs            20,000 members, 240k ledger entries, 20 s per measurement (~10 min)
//   node bench/leaderboards.mjs --quick    2,000 members, 5 s per measurement, 100 sockets
//   node bench/leaderboards.mjs --own-redis   the Redis part on a redis-server of the bench's own, without
//                                          persistence, given as REDIS_URL (the measure before the default)
//   BENCH_MEMBERS=5000 BENCH_ENTRIES_PER_MEMBER=6 BENCH_SECONDS=10 node bench/leaderboards.mjs
// It starts its own FerretDB and hub on 127.0.0.1 in a temp directory (the hub its embedded
// redis-server in the hub's data directory there, or the bench one with --own-redis) and removes them
// all when done. The report goes to stdout and to bench/results/leaderboards-<timestamp>.json.
// Exit code: 0 when every part ran, 2 when a part was skipped or failed (see the report), 1 on a failure.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ADMIN, freePort, hubEnv as benchHubEnv, log, memoryOf, must, percentiles, positiveInt } from './lib.mjs';
import { prepareRun, request, ROOT, round, run, sleep, startDatabase, startHub as startBenchHub } from './lib.mjs';
import { startProcess, stopProcess, userDocument, withCores } from './lib.mjs';

const require = createRequire(import.meta.url); // these packages are CommonJS
const autocannon = require('autocannon');
const { MongoClient, ObjectId } = require('mongodb');
const Redis = require('ioredis');
const { io } = require('socket.io-client');
const argon2 = require('argon2');
const { SingleBar, Presets } = require('cli-progress');
const { DateTime } = require('luxon'); // the hub's own calendar library, for the org-zone week
const WebSocket = require('ws'); // for the hub's inspector (memory readings after a forced GC)

const QUICK = process.argv.includes('--quick');
// The Redis part: the hub's default (embedded redis-server, append-only file) or a redis-server of ours.
const OWN_REDIS = process.argv.includes('--own-redis');
const SECONDS = positiveInt('BENCH_SECONDS', QUICK ? 5 : 20);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 20); // autocannon connections and Redis loops
const WARMUP_SECONDS = QUICK ? 1 : 2;
const ORGS = positiveInt('BENCH_ORGS', QUICK ? 10 : 100);
const MEMBERS = positiveInt('BENCH_MEMBERS', QUICK ? 2_000 : 20_000);
// A year of history: ~12 ledger entries per member (240,000 at the default size).
const ENTRIES_PER_MEMBER = positiveInt('BENCH_ENTRIES_PER_MEMBER', QUICK ? 2 : 12);
const SOCKETS = positiveInt('BENCH_SOCKETS', QUICK ? 100 : 500);
const AWARDS_PER_SEC = positiveInt('BENCH_AWARDS_PER_SEC', 50);
// History kept for the MongoDB-bucket rebuild (days back from now); 365 = the whole seeded year.
const MONGO_HISTORY_DAYS = positiveInt('BENCH_MONGO_HISTORY_DAYS', 365);
const TIMEOUT_MINUTES = positiveInt('BENCH_TIMEOUT_MINUTES', 19); // the watchdog
const TEAMS_PER_ORG = 3;
const BATCH = 1_000; // insertMany batch
const ZONES = ['Europe/Stockholm', 'Asia/Tokyo', 'America/Chicago', 'UTC'];
// The board under test belongs to organization 0, which is made big enough for every socket to be
// a different member of it (evenly, 20,000 over 100 would give only 200 each); the rest share evenly.
const BIG_ORG_MEMBERS = Math.min(MEMBERS, Math.max(SOCKETS + 500, Math.ceil(MEMBERS / ORGS)));
const PASSWORD = 'bench-password';
const SETTINGS = {
  seconds: SECONDS,
  warmupSeconds: WARMUP_SECONDS,
  connections: CONNECTIONS,
  organizations: ORGS,
  members: MEMBERS,
  bigOrganizationMembers: BIG_ORG_MEMBERS,
  entriesPerMember: ENTRIES_PER_MEMBER,
  sockets: SOCKETS,
  awardsPerSec: AWARDS_PER_SEC,
  mongoHistoryDays: MONGO_HISTORY_DAYS,
  redis: OWN_REDIS ? 'own redis-server without persistence, as REDIS_URL (--own-redis)' : 'embedded (hub default)',
};
const RUN_ID = Date.now().toString(36);
const PIDS = {}; // the database server's, once started
const CHILDREN = new Set(); // every process we spawn, killed on any exit

/** Rate and nearest-rank percentiles of latencies in ms, computed the same way for every side. */
function summarize(samples, seconds) {
  const { count: n, ...ranks } = percentiles(samples);
  return { requests: n, seconds: round(seconds), perSec: round(n / seconds), ...ranks };
}

/** A child process we own: tracked so that any exit kills it; keeps the tail of its output. */
const start = (command, args, env) => startProcess(command, args, env, CHILDREN);

/** redis-server without persistence on a free port; resolves once it answers PING. */
async function startRedis(dir) {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const child = start('/usr/bin/redis-server', args, process.env);
  const url = `redis://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(100)) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${child.output}`);
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {}); // refused until it listens
    const ok = await probe
      .connect()
      .then(() => probe.ping())
      .catch(() => null);
    probe.disconnect();
    if (ok === 'PONG') return { url, child };
  }
  throw new Error(`redis-server did not answer in 20 s:\n${child.output}`);
}

/**
 * Environment of the hub and of its CLI. `redis`: 'embedded' (REDIS_URL unset: the hub's own
 * redis-server in `dataDir`, shared with the CLI through its pid file), 'none' (the MongoDB bucket
 * store) or a redis:// URL.
 */
function hubEnv(mongoUri, redis, dataDir) {
  // Logins raised further: the push part logs hundreds of members in; no background jobs.
  const env = { JWT_SECRET: `bench-jwt-secret-${RUN_ID}-0123456789abcdef`, LOGIN_RATE_LIMIT: '100000' };
  return { mongoUri, dataDir, redis, env };
}

/** `leaderboards:rebuild` with its own progress bar on our terminal; resolves with its summary line. */
async function rebuild(env, label) {
  log(`leaderboards:rebuild into ${label}`);
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'api/dist/cli/main.js'), 'leaderboards:rebuild'], {
    env: benchHubEnv(env),
    stdio: ['ignore', 'pipe', 'inherit'], // stderr: the CLI's progress bar, shown as is
  });
  CHILDREN.add(child);
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const code = await new Promise((done) => child.once('exit', (c, signal) => done(c ?? signal)));
  CHILDREN.delete(child);
  const seconds = round((performance.now() - t0) / 1000, 1);
  if (code !== 0) throw new Error(`leaderboards:rebuild (${label}) exited with ${code}:\n${out.slice(-2000)}`);
  const summary = out.trim().split('\n').pop();
  log(`${summary} (${seconds} s)`);
  return { seconds, summary };
}

/** The built hub as its own process (so its RSS is its own); resolves once /api/health answers. */
async function startHub(env) {
  const inspectPort = await freePort(); // loopback only; used to force a GC before memory readings
  // BENCH_HUB_PROFILE=<dir>: each hub writes a V8 CPU profile there when it stops (to see where its time goes).
  const profile = process.env.BENCH_HUB_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_HUB_PROFILE}`]
    : [];
  const nodeArgs = [...profile, `--inspect=127.0.0.1:${inspectPort}`];
  const hub = await startBenchHub({ ...env, nodeArgs, timeoutSeconds: 180, children: CHILDREN });
  return { ...hub, inspectPort };
}

/**
 * The hub's memory after a full garbage collection, through its inspector: RSS alone moves by tens
 * of MB with whatever garbage the previous load left (argon2 logins, the GET run), which buried the
 * sockets' share (earlier runs read between -670 and +71 KB per socket).
 */
async function settledMemory(inspectPort) {
  const [target] = await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json();
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((done, fail) => socket.once('open', done).once('error', fail));
  const replies = new Map();
  socket.on('message', (data) => {
    const message = JSON.parse(data);
    replies.get(message.id)?.(message);
  });
  let id = 0;
  const call = (method, params = {}) =>
    new Promise((done) => {
      replies.set(++id, done);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    await sleep(500);
    await call('HeapProfiler.collectGarbage');
    const expression = 'JSON.stringify(process.memoryUsage())';
    const reply = await call('Runtime.evaluate', { expression, returnByValue: true });
    const usage = JSON.parse(reply.result.result.value);
    const mb = (bytes) => round(bytes / 1024 / 1024, 1);
    return { rssMB: mb(usage.rss), heapUsedMB: mb(usage.heapUsed), externalMB: mb(usage.external) };
  } finally {
    socket.close();
  }
}

const login = (base, email, password = PASSWORD) => must(base, 'POST', '/api/auth/login', { email, password });

// ---------------------------------------------------------------------------------------------
// Seeding, straight through the driver (registration through the API would hash 20,000 passwords)

const pick = (n) => Math.floor(Math.random() * n);
const code8 = (prefix, n) =>
  (
    prefix +
    n
      .toString(36)
      .toUpperCase()
      .padStart(8 - prefix.length, '0')
  ).slice(0, 8);

/** Organizations, teams, members and a year of ledger history, with a progress bar. */
async function seed(db) {
  const now = new Date();
  const passwordHash = await argon2.hash(PASSWORD); // one hash, shared by every member
  const orgs = Array.from({ length: ORGS }, (_, i) => ({
    _id: new ObjectId(),
    name: `Bench org ${i}`,
    timezone: ZONES[i % ZONES.length],
    inviteCode: code8('O', i),
    createdAt: now,
    updatedAt: now,
  }));
  const teams = orgs.flatMap((org, i) =>
    Array.from({ length: TEAMS_PER_ORG }, (_, t) => ({
      _id: new ObjectId(),
      organizationId: org._id,
      name: `Team ${t + 1}`,
      inviteCode: code8('T', i * TEAMS_PER_ORG + t),
      createdAt: now,
      updatedAt: now,
    })),
  );
  // The current week starts at a different instant in each zone: its entries must fall after it.
  const weekStart = orgs.map((org) => DateTime.fromJSDate(now, { zone: org.timezone }).startOf('week').toMillis());
  const orgOf = (m) => (m < BIG_ORG_MEMBERS ? 0 : 1 + ((m - BIG_ORG_MEMBERS) % Math.max(1, ORGS - 1)));
  const total = MEMBERS + MEMBERS * ENTRIES_PER_MEMBER;
  const bar = new SingleBar(
    { format: 'seed [{bar}] {value}/{total} documents ({what})', hideCursor: true },
    Presets.shades_classic,
  );
  bar.start(total, 0, { what: 'members' });
  await db.collection('organizations').insertMany(orgs);
  await db.collection('teams').insertMany(teams);
  const members = []; // { _id, organization index }
  const YEAR = 365 * 86_400_000;
  let users = [];
  let ledger = [];
  let key = 0;
  const flushUsers = async () => (
    users.length && (await db.collection('users').insertMany(users, { ordered: false })),
    (users = [])
  );
  const flushLedger = async () => (
    ledger.length && (await db.collection('ledger').insertMany(ledger, { ordered: false })),
    (ledger = [])
  );
  for (let m = 0; m < MEMBERS; m++) {
    const o = orgOf(m);
    const org = orgs[o];
    const user = userDocument({
      email: `member${m}@bench.test`,
      passwordHash,
      displayName: `Member ${m}`,
      organizationId: org._id,
      teamId: teams[o * TEAMS_PER_ORG + (m % TEAMS_PER_ORG)]._id,
      now,
    });
    users.push(user);
    members.push({ _id: user._id, email: user.email, org: o });
    if (users.length === BATCH) await flushUsers();
    bar.increment(1, { what: 'members' });
  }
  await flushUsers();
  for (const member of members) {
    for (let e = 0; e < ENTRIES_PER_MEMBER; e++) {
      // The first entry (and half the time the second) in the current week, the rest over the year.
      const thisWeek = e === 0 || (e === 1 && Math.random() < 0.5);
      const from = thisWeek ? weekStart[member.org] : now.getTime() - YEAR;
      const occurredAt = new Date(from + Math.random() * (now.getTime() - from));
      ledger.push({
        _id: new ObjectId(),
        userId: member._id,
        organizationId: orgs[member.org]._id,
        amount: 10 + pick(491),
        kind: 'earn',
        reason: 'Bench history',
        source: { type: 'bench', id: null },
        idempotencyKey: `bench:${RUN_ID}:${key++}`,
        occurredAt,
        createdAt: occurredAt,
      });
      if (ledger.length === BATCH) {
        await flushLedger();
        bar.increment(BATCH, { what: 'ledger' });
      }
    }
  }
  const rest = ledger.length;
  await flushLedger();
  bar.increment(rest, { what: 'ledger' });
  bar.stop();
  // The indexes the hub's schemas declare, built once here instead of by the hub's first start.
  const index = (name, spec, options) => db.collection(name).createIndex(spec, options);
  await index('users', { email: 1 }, { unique: true });
  await index('users', { organizationId: 1, _id: -1 });
  await index('ledger', { idempotencyKey: 1 }, { unique: true });
  await index('ledger', { userId: 1, _id: -1 });
  await index('organizations', { inviteCode: 1 }, { unique: true });
  await index('teams', { inviteCode: 1 }, { unique: true });
  await index('teams', { organizationId: 1, name: 1 });
  return { orgs, members, ledgerEntries: key };
}

// ---------------------------------------------------------------------------------------------
// Measurements

/** autocannon on GET /api/leaderboards with a member's token. */
function runGet(base, token, seconds) {
  const samples = [];
  const outcome = { firstRefusal: null };
  const url = `${base}/api/leaderboards?scope=individual&period=week`;
  const req = {
    onResponse: (status, body) => {
      if (status < 200 || status > 299) outcome.firstRefusal ??= `${status} ${body.slice(0, 200)}`;
    },
  };
  const headers = { authorization: `Bearer ${token}` };
  return new Promise((done, fail) => {
    const options = { url, connections: CONNECTIONS, duration: seconds, headers, timeout: 10, requests: [req] };
    const instance = autocannon(options, (error, result) => {
      if (error) return fail(error);
      if (process.env.BENCH_DEBUG)
        log(JSON.stringify({ ...result, latency: undefined, requests: result.requests, throughput: undefined }));
      const { non2xx, errors, timeouts, statusCodeStats } = result;
      done({ ...summarize(samples, result.duration), non2xx, errors, timeouts, statusCodeStats, ...outcome });
    });
    // The status comes with the event itself: autocannon does not order it after onResponse here.
    instance.on('response', (_client, status, _bytes, ms) => status >= 200 && status < 300 && samples.push(ms));
  });
}

/**
 * GETs one after another, for at least `seconds` and at least `minimum` answers: on FerretDB the bucket
 * store's top-N and rank queries scan every bucket (only `_id` equality is pushed down), so one read
 * takes seconds and concurrent ones only queue behind it.
 */
async function sequentialGets(base, token, seconds, minimum = 3) {
  const samples = [];
  const outcome = { non2xx: 0, errors: 0, timeouts: 0, statusCodeStats: {}, firstRefusal: null };
  const headers = { authorization: `Bearer ${token}` };
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000 || samples.length + outcome.non2xx + outcome.errors < minimum) {
    const sent = performance.now();
    try {
      const res = await fetch(`${base}/api/leaderboards?scope=individual&period=week`, {
        headers,
        signal: AbortSignal.timeout(120_000),
      });
      const text = await res.text();
      outcome.statusCodeStats[res.status] = { count: (outcome.statusCodeStats[res.status]?.count ?? 0) + 1 };
      if (res.ok) samples.push(performance.now() - sent);
      else (outcome.non2xx++, (outcome.firstRefusal ??= `${res.status} ${text.slice(0, 200)}`));
    } catch (error) {
      outcome.errors++;
      if (error.name === 'TimeoutError') outcome.timeouts++;
    }
  }
  return { ...summarize(samples, (performance.now() - t0) / 1000), ...outcome };
}

/** Warm-up, then the measured GET; also checks one answer's shape (items and `me`). */
async function measureGet(base, hubPid, token, label, sequential = false) {
  const auth = { authorization: `Bearer ${token}` };
  const probe = await request(base, 'GET', '/api/leaderboards?scope=individual&period=week', undefined, auth, 120_000);
  if (probe.status !== 200) return { skipped: `probe answered ${probe.status} ${probe.text.slice(0, 200)}` };
  const body = JSON.parse(probe.text);
  const shape = { items: body.items?.length ?? 0, me: body.me ?? null, start: body.start, timezone: body.timezone };
  const how = sequential ? 'one request at a time' : `${CONNECTIONS} connections`;
  log(`${label}: GET ${WARMUP_SECONDS} s warm-up, then ${SECONDS} s at ${how}`);
  const run = (seconds) => (sequential ? sequentialGets(base, token, seconds, 1) : runGet(base, token, seconds));
  await run(WARMUP_SECONDS);
  await sleep(2000); // requests autocannon abandoned at the end of the warm-up are still being served
  const pids = { hub: hubPid, ferretdb: PIDS.ferretdb, ...(PIDS.redis ? { redis: PIDS.redis } : {}) };
  const measured = () => (sequential ? sequentialGets(base, token, SECONDS) : runGet(base, token, SECONDS));
  return { ...(await withCores(pids, measured)), connections: sequential ? 1 : CONNECTIONS, shape };
}

/** The floor: ZREVRANGE top 10 + ZREVRANK on the same key from CONNECTIONS loops, one connection. */
async function runRedisPair(redisUrl, key, members, seconds) {
  const redis = new Redis(redisUrl);
  const samples = [];
  const failures = { errors: 0, firstError: null };
  const end = performance.now() + seconds * 1000;
  const loop = async (w) => {
    for (let i = w; performance.now() < end; i += CONNECTIONS) {
      const t0 = performance.now();
      try {
        await redis.zrevrange(key, 0, 9, 'WITHSCORES');
        await redis.zrevrank(key, members[i % members.length]);
        if (performance.now() <= end) samples.push(performance.now() - t0);
      } catch (error) {
        failures.errors++;
        failures.firstError ??= error.message;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => loop(w)));
  redis.disconnect();
  return { ...summarize(samples, seconds), ...failures };
}

/** Logs members in, a few at a time (argon2 verify is CPU-bound: more in flight only queues). */
async function loginAll(base, emails) {
  const sessions = [];
  const bar = new SingleBar({ format: 'logins [{bar}] {value}/{total}', hideCursor: true }, Presets.shades_classic);
  bar.start(emails.length, 0);
  for (let i = 0; i < emails.length; i += 8) {
    const batch = await Promise.all(emails.slice(i, i + 8).map((email) => login(base, email)));
    sessions.push(...batch);
    bar.increment(batch.length);
  }
  bar.stop();
  return sessions;
}

/** Connects one socket and subscribes it to the board; resolves with its receive log. */
function connectSocket(base, token) {
  return new Promise((done, fail) => {
    const socket = io(base, { auth: { token }, transports: ['websocket'], reconnection: false, timeout: 30_000 });
    const received = []; // performance.now() of each leaderboard.updated
    socket.on('leaderboard.updated', () => received.push(performance.now()));
    socket.once('connect_error', (error) => fail(new Error(`socket connect: ${error.message}`)));
    socket.once('connect', () => {
      socket.timeout(30_000).emit('leaderboard.subscribe', { scope: 'individual', period: 'week' }, (error, ack) => {
        if (error) return fail(new Error(`subscribe: no ack in 30 s`));
        if (!ack?.ok) return fail(new Error(`subscribe refused: ${JSON.stringify(ack)}`));
        done({ socket, received });
      });
    });
  });
}

/**
 * Awards at AWARDS_PER_SEC for SECONDS through POST /api/points/adjustments as the admin, each to
 * a random member among the board's current top 30 (read from Redis) with 50..500 points, so that
 * the top 10 moves most of the time. Returns each award's response time and status.
 */
async function runAwards(base, adminToken, redisUrl, key) {
  const redis = new Redis(redisUrl);
  let top30 = await redis.zrevrange(key, 0, 29);
  const refresh = setInterval(() => {
    redis.zrevrange(key, 0, 29).then(
      (ids) => ids.length && (top30 = ids),
      () => {},
    );
  }, 100);
  const headers = { authorization: `Bearer ${adminToken}` };
  const awards = [];
  const inFlight = [];
  const count = AWARDS_PER_SEC * SECONDS;
  const t0 = performance.now();
  for (let n = 0; n < count; n++) {
    const due = t0 + (n * 1000) / AWARDS_PER_SEC;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const body = {
      userId: top30[pick(top30.length)],
      amount: 50 + pick(451),
      reason: 'Bench award',
      idempotencyKey: `bench-award-${RUN_ID}-${n}`,
    };
    const sent = performance.now();
    inFlight.push(
      request(base, 'POST', '/api/points/adjustments', body, headers, 30_000).then(
        ({ status, text }) =>
          awards.push({ sent, at: performance.now(), status, text: status >= 300 ? text.slice(0, 200) : '' }),
        (error) => awards.push({ sent, at: performance.now(), status: 0, text: error.message }),
      ),
    );
  }
  await Promise.all(inFlight);
  clearInterval(refresh);
  redis.disconnect();
  return { awards, seconds: round((performance.now() - t0) / 1000) };
}

/** For each award × socket: first update the socket received after the award's response arrived. */
function pushLatencies(awards, sockets) {
  const samples = [];
  let missing = 0;
  const ok = awards.filter((a) => a.status >= 200 && a.status < 300);
  for (const { received } of sockets) {
    for (const award of ok) {
      // received is in arrival order: binary search for the first one after the response
      let lo = 0;
      let hi = received.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (received[mid] > award.at) hi = mid;
        else lo = mid + 1;
      }
      if (lo < received.length) samples.push(received[lo] - award.at);
      else missing++;
    }
  }
  return { ...summarize(samples, 1), pairs: samples.length, missing };
}

/** Sockets, their memory, and awards with push latency. */
async function measurePush(hub, adminToken, redisUrl, key, sessions) {
  await sleep(1000);
  const before = await settledMemory(hub.inspectPort);
  log(`connecting ${sessions.length} sockets (hub after GC: RSS ${before.rssMB} MB, heap ${before.heapUsedMB} MB)`);
  const sockets = [];
  const t0 = performance.now();
  for (let i = 0; i < sessions.length; i += 50) {
    sockets.push(...(await Promise.all(sessions.slice(i, i + 50).map((s) => connectSocket(hub.base, s.accessToken)))));
  }
  const connectSeconds = round((performance.now() - t0) / 1000);
  await sleep(2000); // let the hub settle before reading its memory
  const after = await settledMemory(hub.inspectPort);
  const perSocket = (field) => round(((after[field] - before[field]) * 1024) / sockets.length, 1);
  const perSocketKB = perSocket('rssMB');
  const heapPerSocketKB = round(perSocket('heapUsedMB') + perSocket('externalMB'), 1);
  log(
    `${sockets.length} subscribed in ${connectSeconds} s (hub after GC: RSS ${after.rssMB} MB, heap ${after.heapUsedMB} MB); ${AWARDS_PER_SEC} awards/s for ${SECONDS} s`,
  );
  try {
    const pids = { hub: hub.child.pid, ferretdb: PIDS.ferretdb, redis: PIDS.redis };
    const { awards, seconds, cores } = await withCores(pids, () => runAwards(hub.base, adminToken, redisUrl, key));
    await sleep(3000); // the last pushes: settle 150 ms, throttle 1 s
    const statuses = {};
    for (const a of awards) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    const failed = awards.filter((a) => a.status < 200 || a.status >= 300);
    const responses = summarize(
      awards.map((a) => a.at - a.sent),
      seconds,
    );
    const pushes = sockets.map((s) => s.received.length);
    const latency = pushLatencies(awards, sockets);
    return {
      sockets: sockets.length,
      connectSeconds,
      memory: { before, after, perSocketKB, heapPerSocketKB },
      awards: { sent: awards.length, seconds, statuses, firstFailure: failed[0]?.text ?? null, responses, cores },
      pushesPerSocket: {
        min: Math.min(...pushes),
        max: Math.max(...pushes),
        mean: round(pushes.reduce((a, b) => a + b, 0) / pushes.length),
      },
      latency,
    };
  } finally {
    for (const { socket } of sockets) socket.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function report(r) {
  const row = (name, cells) => name.padEnd(40) + cells.map((cell) => String(cell ?? '-').padStart(10)).join('');
  const side = (name, s) =>
    s && !s.skipped
      ? row(name, [s.perSec, s.p50, s.p95, s.p99, s.non2xx ?? 0, s.errors])
      : `${name}  skipped${s?.skipped ? `: ${s.skipped}` : ''}`;
  const { node, engine, server, redis, autocannon, driver, ioredis, socketio } = r.versions;
  const p = r.push;
  const yes = (ok) => (ok ? 'MET' : 'NOT MET');
  const lines = [
    `\nLeaderboards, ${r.organizations} organizations, ${r.members} members (${r.bigOrganizationMembers} in the board's organization),`,
    `${r.seed.ledgerEntries} ledger entries; ${r.seconds} s per measurement after ${r.warmupSeconds} s of warm-up, ${r.connections} connections / loops`,
    `Redis: ${r.redis}`,
    `node ${node}, ${engine} ${server}, redis ${redis}, autocannon ${autocannon}, mongodb ${driver}, ioredis ${ioredis}, socket.io-client ${socketio}`,
    `seed ${r.seed.seconds} s; rebuild into Redis ${r.rebuilds.redis?.seconds ?? '-'} s (${r.rebuilds.redis?.summary ?? '-'})`,
    `board ${r.key} (${r.boardSize} members)\n`,
    row('', ['req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'errors']),
    side('hub  GET /api/leaderboards (Redis)', r.redisGet),
    side('raw  ZREVRANGE 0 9 + ZREVRANK (ioredis)', r.redisRaw),
    side(`hub  GET /api/leaderboards (MongoDB, ${r.mongoGet?.connections ?? '-'} conn.)`, r.mongoGet),
    '',
  ];
  const cores = (s) =>
    s?.cores
      ? Object.entries(s.cores)
          .map((e) => e.join(' '))
          .join(', ')
      : '-';
  lines.push(
    `cores busy: Redis GET ${cores(r.redisGet)}; raw pair ${cores(r.redisRaw)}; MongoDB GET ${cores(r.mongoGet)}`,
  );
  if (r.ratios)
    lines.push(`hub/raw p50 ${r.ratios.p50}x   hub/raw p95 ${r.ratios.p95}x   (how many times the bare Redis pair)`);
  if (r.redisGet && !r.redisGet.skipped) {
    lines.push(`target GET p95 <= 20 ms (Redis store): ${r.redisGet.p95} ms, ${yes(r.redisGet.p95 <= 20)}`);
    if (r.redisGet.firstRefusal) lines.push(`first non-2xx (Redis): ${r.redisGet.firstRefusal}`);
  }
  if (r.mongoGet?.firstRefusal) lines.push(`first non-2xx (MongoDB): ${r.mongoGet.firstRefusal}`);
  if (p?.error) lines.push(`push: FAILED ${p.error}`);
  else if (p) {
    const m = p.memory;
    lines.push(
      '',
      `push: ${p.sockets} sockets subscribed in ${p.connectSeconds} s; ${p.awards.sent} awards in ${p.awards.seconds} s, statuses ${JSON.stringify(p.awards.statuses)}`,
      `  award response p50 ${p.awards.responses.p50} ms, p95 ${p.awards.responses.p95} ms, p99 ${p.awards.responses.p99} ms; cores busy ${cores(p.awards)}`,
      `  leaderboard.updated per socket: min ${p.pushesPerSocket.min}, mean ${p.pushesPerSocket.mean}, max ${p.pushesPerSocket.max}`,
      `  award response → first update: p50 ${p.latency.p50} ms, p95 ${p.latency.p95} ms, p99 ${p.latency.p99} ms over ${p.latency.pairs} award×socket pairs (${p.latency.missing} without a later update)`,
      `  target push p95 <= 1200 ms: ${yes(p.latency.p95 <= 1200)}`,
      `  hub after a forced GC: RSS ${m.before.rssMB} MB before the sockets, ${m.after.rssMB} MB with ${p.sockets} subscribed → ${m.perSocketKB} KB RSS per socket`,
      `  (JS heap + external: ${round(m.before.heapUsedMB + m.before.externalMB, 1)} → ${round(m.after.heapUsedMB + m.after.externalMB, 1)} MB → ${m.heapPerSocketKB} KB per socket)`,
    );
    if (p.awards.firstFailure) lines.push(`  first failed award: ${p.awards.firstFailure}`);
  }
  const mr = r.rebuilds.mongo;
  lines.push(
    '',
    `MongoDB bucket store: history ${r.mongoHistoryDays} days${r.mongoLedgerDeleted ? ` (${r.mongoLedgerDeleted} older ledger entries deleted first)` : ''}; rebuild ${mr?.seconds ?? '-'} s (${mr?.summary ?? mr?.error ?? '-'})`,
  );
  const mem = (m) => (m ? `${m.rssMB} MB (peak ${m.peakMB} MB)` : 'n/a');
  lines.push(
    `hub RSS after the Redis runs: ${mem(r.hubMemory.redis)}; after the MongoDB run: ${mem(r.hubMemory.mongo)}`,
  );
  for (const problem of r.problems) lines.push(`PROBLEM: ${problem}`);
  lines.push(`total ${r.totalSeconds} s`, `JSON: ${r.file}\n`);
  console.log(lines.join('\n'));
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const began = performance.now();
  let db, redis, hub, client;
  // On any exit: the embedded database kills its own child; our children and the temp dir are ours,
  // and so is an embedded redis-server that a killed hub or CLI left (it runs in its own process group).
  const onExit = () => {
    for (const child of CHILDREN) child.kill('SIGKILL');
    try {
      process.kill(JSON.parse(readFileSync(embeddedRedisFile, 'utf8')).pid, 'SIGKILL');
    } catch {
      // none left
    }
  };
  const watchdogMessage = `over ${TIMEOUT_MINUTES} min`;
  const tmp = prepareRun('lb', { watchdogMs: TIMEOUT_MINUTES * 60_000, watchdogMessage, onExit });
  const hubDir = join(tmp, 'hub'); // HUB_DATA_DIR of the hubs and the CLI: the embedded Redis lives there
  const embeddedRedisFile = join(hubDir, 'embedded-redis.json');
  const problems = [];
  const result = { benchmark: 'leaderboards', at: null, ...SETTINGS, problems, rebuilds: {}, hubMemory: {} };
  try {
    ({ db, pid: PIDS.ferretdb } = await startDatabase(tmp));
    if (OWN_REDIS) {
      mkdirSync(join(tmp, 'redis'));
      redis = await startRedis(join(tmp, 'redis'));
      PIDS.redis = redis.child.pid;
    }
    const mongoUri = `${db.uri}/hub_bench`;
    client = await new MongoClient(mongoUri, { serverSelectionTimeoutMS: 10_000, socketTimeoutMS: 300_000 }).connect();
    const info = await client.db().admin().command({ buildInfo: 1 });

    log(`seeding ${ORGS} organizations, ${MEMBERS} members, ${MEMBERS * ENTRIES_PER_MEMBER} ledger entries`);
    let t0 = performance.now();
    const seeded = await seed(client.db());
    result.seed = { seconds: round((performance.now() - t0) / 1000, 1), ledgerEntries: seeded.ledgerEntries };
    log(`seeded in ${result.seed.seconds} s`);

    // --- Redis store -----------------------------------------------------------------------------
    // Embedded: the CLI starts the hub's redis-server for the rebuild and stops it; the hub starts it
    // again on the same append-only file, as `npm start` after a rebuild would.
    const redisEnv = hubEnv(mongoUri, OWN_REDIS ? redis.url : 'embedded', hubDir);
    result.rebuilds.redis = await rebuild(redisEnv, OWN_REDIS ? 'Redis' : 'the embedded Redis');
    hub = await startHub(redisEnv);
    log(`hub up at ${hub.base} (pid ${hub.child.pid}, Redis store)`);
    let redisUrl = redis?.url;
    if (!OWN_REDIS) {
      const embedded = JSON.parse(readFileSync(embeddedRedisFile, 'utf8'));
      redisUrl = `redis://127.0.0.1:${embedded.port}`;
      PIDS.redis = embedded.pid;
      log(`the hub's embedded redis-server: pid ${embedded.pid}, ${redisUrl}`);
    }
    const redisClient = new Redis(redisUrl);
    const redisInfo = await redisClient.info('server');
    const org = seeded.orgs[0];
    const keys = await redisClient.keys(`hub:lb:individual:${org._id.toHexString()}|week:*`);
    const expected = `hub:lb:individual:${org._id.toHexString()}|week:${DateTime.now().setZone(org.timezone).startOf('week').toISODate()}`;
    const key = keys.sort().pop();
    if (key !== expected) problems.push(`latest week key ${key} is not the expected ${expected}`);
    result.key = key;
    result.boardSize = await redisClient.zcard(key);
    const boardMembers = await redisClient.zrange(key, 0, -1);

    const admin = await login(hub.base, ADMIN.HUB_ADMIN_EMAIL, ADMIN.HUB_ADMIN_PASSWORD);
    const orgMembers = seeded.members.filter((m) => m.org === 0);
    const reader = await login(hub.base, orgMembers[orgMembers.length - 1].email); // low in the board: `me` is a real rank
    // The socket members log in first: argon2 verification inflates the hub's RSS for a while, which
    // would otherwise blur the before/after reading around the sockets.
    log(`logging in ${SOCKETS} members of ${org.name}`);
    const sessions = await loginAll(
      hub.base,
      orgMembers.slice(0, SOCKETS).map((m) => m.email),
    );

    result.redisGet = await measureGet(hub.base, hub.child.pid, reader.accessToken, 'Redis store');
    log(`raw Redis pair: ${SECONDS} s at ${CONNECTIONS} loops on ${key}`);
    await runRedisPair(redisUrl, key, boardMembers, WARMUP_SECONDS);
    result.redisRaw = await withCores({ redis: PIDS.redis }, () => runRedisPair(redisUrl, key, boardMembers, SECONDS));
    if (!result.redisGet.skipped) {
      const ratio = (a, b) => round(a / b, 1);
      result.ratios = {
        p50: ratio(result.redisGet.p50, result.redisRaw.p50),
        p95: ratio(result.redisGet.p95, result.redisRaw.p95),
      };
      if (result.redisGet.non2xx)
        problems.push(`Redis GET: ${result.redisGet.non2xx} non-2xx (${result.redisGet.firstRefusal})`);
    } else problems.push(`Redis GET skipped: ${result.redisGet.skipped}`);

    // --- sockets and pushes ----------------------------------------------------------------------
    try {
      result.push = await measurePush(hub, admin.accessToken, redisUrl, key, sessions);
      const statuses = Object.keys(result.push.awards.statuses).filter((s) => s < 200 || s >= 300);
      if (statuses.length) problems.push(`awards answered ${statuses.join(', ')}: ${result.push.awards.firstFailure}`);
    } catch (error) {
      result.push = { error: error.message };
      problems.push(`push part failed: ${error.message}`);
    }
    result.hubMemory.redis = memoryOf(hub.child.pid);
    await stopProcess(hub.child);
    if (hub.child.exitCode)
      problems.push(`hub (Redis) exited with ${hub.child.exitCode}: ${hub.child.output.slice(-500)}`);
    hub = null;
    redisClient.disconnect();
    if (!OWN_REDIS) PIDS.redis = undefined; // stopped with the hub that started it
    // --- MongoDB bucket store --------------------------------------------------------------------
    const mongoEnv = hubEnv(mongoUri, 'none', hubDir);
    if (MONGO_HISTORY_DAYS < 365) {
      const cutoff = new Date(Date.now() - MONGO_HISTORY_DAYS * 86_400_000);
      log(`deleting ledger entries older than ${MONGO_HISTORY_DAYS} days for the MongoDB part`);
      result.mongoLedgerDeleted = (
        await client
          .db()
          .collection('ledger')
          .deleteMany({ occurredAt: { $lt: cutoff } })
      ).deletedCount;
    }
    try {
      result.rebuilds.mongo = await rebuild(mongoEnv, 'MongoDB buckets');
      hub = await startHub(mongoEnv);
      log(`hub up at ${hub.base} (pid ${hub.child.pid}, MongoDB bucket store)`);
      result.mongoGet = await measureGet(hub.base, hub.child.pid, reader.accessToken, 'MongoDB store', true);
      if (result.mongoGet.skipped) problems.push(`MongoDB GET skipped: ${result.mongoGet.skipped}`);
      else if (result.mongoGet.non2xx)
        problems.push(`MongoDB GET: ${result.mongoGet.non2xx} non-2xx (${result.mongoGet.firstRefusal})`);
      result.hubMemory.mongo = memoryOf(hub.child.pid);
    } catch (error) {
      result.rebuilds.mongo ??= { error: error.message.slice(0, 500) };
      problems.push(`MongoDB part failed: ${error.message.slice(0, 500)}`);
    }

    const versions = { node: process.version, engine: db.engine, server: info.ferretdbVersion ?? info.version };
    versions.redis = redisInfo.match(/redis_version:(\S+)/)?.[1];
    for (const [name, pkg] of [
      ['autocannon', 'autocannon'],
      ['driver', 'mongodb'],
      ['ioredis', 'ioredis'],
      ['socketio', 'socket.io-client'],
    ])
      versions[name] = require(`${pkg}/package.json`).version;
    result.versions = versions;
    result.at = new Date().toISOString();
    result.totalSeconds = round((performance.now() - began) / 1000, 1);
    result.file = join(ROOT, 'bench/results', `leaderboards-${result.at.replace(/[:.]/g, '-')}.json`);
    mkdirSync(dirname(result.file), { recursive: true });
    writeFileSync(result.file, JSON.stringify(result, null, 2) + '\n');
    report(result);
    return problems.length ? 2 : 0;
  } finally {
    await stopProcess(hub?.child);
    await stopProcess(redis?.child);
    await client?.close();
    await db?.stop();
  }
}

run(main);
