#!/usr/bin/env node
// RSVP fairness under a burst: 1,000 members RSVP at once to a 100-seat event through the hub
// (POST /api/events/:id/rsvp), beside the raw mongodb driver doing the same conditional updates on
// the same server in the same run; then 100 of the going members cancel at once, and the first 100
// on the waitlist must be promoted, in order, each told over its socket.
//
// Usage, from the repository root once api/dist is built:
//   node bench/events.mjs               1,000 members, 100 seats, 100 cancellations
//   BENCH_MEMBERS=2000 BENCH_SEATS=200 BENCH_CANCELS=150 node bench/events.mjs
// It starts its own FerretDB and hub (with the hub's default embedded redis-server) on 127.0.0.1 in
// a temp directory and removes them when done. The report goes to stdout and to
// bench/results/events-<timestamp>.json. Exit code 0 when every check held, 2 when one failed
// (more or fewer than the seats going, promotions out of order, a socket that never heard), 1 on
// a failure.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { rawBurst, rawEvent, stored, summarize } from './events-db.mjs';
import { adminToken, log, memberToken, positiveInt, prepareRun, ROOT, round, run, sleep } from './lib.mjs';
import { startDatabase, startHub, stopProcess, userDocument, withCores } from './lib.mjs';

const require = createRequire(import.meta.url); // these packages are CommonJS
const { MongoClient, ObjectId } = require('mongodb');
const { io } = require('socket.io-client');

const MEMBERS = positiveInt('BENCH_MEMBERS', 1000);
const SEATS = positiveInt('BENCH_SEATS', 100);
const CANCELS = Math.min(positiveInt('BENCH_CANCELS', 100), SEATS);
const WARMUP = Math.min(200, MEMBERS); // members who RSVP to a warm-up event first (each side)
const JWT_SECRET = 'bench-only-secret-bench-only-secret-bench';
const RUN_ID = Date.now().toString(36);
const PIDS = {};

async function call(base, method, path, token, body) {
  const headers = { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) };
  // Node's fetch opens a connection per request in flight (no per-origin limit): "at once" means
  // every RSVP is on the wire together.
  const init = { method, headers, signal: AbortSignal.timeout(120_000) };
  const res = await fetch(base + path, { ...init, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, text: await res.text() };
}

async function must(base, method, path, token, body) {
  const { status, text } = await call(base, method, path, token, body);
  if (status < 200 || status > 299) throw new Error(`${method} ${path} → ${status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/**
 * The program through the API (admin, organization, manager), members straight into the users
 * collection (1,000 argon2 registrations would only measure hashing) with tokens signed by the
 * hub's secret, as a login would issue them.
 */
async function setUp(base, db) {
  const admin = await adminToken(base);
  const org = await must(base, 'POST', '/api/organizations', admin, { name: `Bench ${RUN_ID}`, timezone: 'UTC' });
  const person = (i, roles) =>
    userDocument({
      email: `member${i}-${RUN_ID}@bench.test`,
      passwordHash: 'x',
      displayName: `Member ${i}`,
      roles,
      organizationId: new ObjectId(org.id),
    });
  const manager = person('manager', ['manager']);
  const members = Array.from({ length: MEMBERS }, (_, i) => person(i, ['member']));
  await db.collection('users').insertMany([manager, ...members]);
  const token = (user) => memberToken(user._id, JWT_SECRET, 3600);
  return {
    organizationId: org.id,
    manager: token(manager),
    members: members.map((user) => ({ id: user._id.toHexString(), token: token(user) })),
  };
}

async function createEvent(base, manager, organizationId, title) {
  const start = Date.now() + 7 * 86_400_000;
  return must(base, 'POST', '/api/events', manager, {
    title,
    description: 'Benchmark',
    kind: 'club',
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 7_200_000).toISOString(),
    timezone: 'Europe/Stockholm',
    capacity: SEATS,
    points: 10,
    audience: { organizationIds: [organizationId] },
  });
}

/** Every member's RSVP sent together; latency per request, wall time from first send to last answer. */
async function burst(base, eventId, members) {
  const latencies = [];
  const answers = { going: 0, waitlisted: 0, other: 0, firstOther: null };
  const t0 = performance.now();
  await Promise.all(
    members.map(async (member) => {
      const start = performance.now();
      const { status, text } = await call(base, 'POST', `/api/events/${eventId}/rsvp`, member.token).catch((error) => ({
        status: 0,
        text: error.message,
      }));
      if (status === 200) {
        latencies.push(performance.now() - start);
        const answer = JSON.parse(text).status;
        if (answer === 'going' || answer === 'waitlisted') answers[answer]++;
      } else {
        answers.other++;
        answers.firstOther ??= `${status} ${text.slice(0, 200)}`;
      }
    }),
  );
  return { ...summarize(latencies, performance.now() - t0), answers };
}

function connect(base, token) {
  return new Promise((done, fail) => {
    const socket = io(base, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    socket.once('connect', () => done(socket));
    socket.once('connect_error', (error) => (socket.close(), fail(error)));
  });
}

/**
 * The next `CANCELS` on the waitlist connect their sockets; `CANCELS` going members leave at once.
 * Reports when the DELETEs were answered and when each promoted member's socket heard of it.
 */
async function cancellations(base, db, eventId, members) {
  const before = await stored(db, eventId);
  const byId = new Map(members.map((m) => [m.id, m]));
  const next = before.waiting.slice(0, CANCELS).map((r) => r.userId.toHexString());
  const leaving = before.going.slice(0, CANCELS).map((r) => byId.get(r.userId.toHexString()));
  const heard = new Map();
  const sockets = [];
  for (let i = 0; i < next.length; i += 20) {
    sockets.push(...(await Promise.all(next.slice(i, i + 20).map((id) => connect(base, byId.get(id).token)))));
  }
  let t0 = 0;
  sockets.forEach((socket, i) =>
    socket.on('notification', (n) => {
      if (n.type === 'event.promoted' && n.params?.eventId === eventId && !heard.has(next[i])) {
        heard.set(next[i], performance.now() - t0);
      }
    }),
  );
  await sleep(500); // every socket has joined its room
  t0 = performance.now();
  const answered = [];
  const statuses = await Promise.all(
    leaving.map(async (member) => {
      const { status } = await call(base, 'DELETE', `/api/events/${eventId}/rsvp`, member.token);
      answered.push(performance.now() - t0);
      return status;
    }),
  );
  const deadline = Date.now() + 60_000;
  while (heard.size < next.length && Date.now() < deadline) await sleep(20);
  sockets.forEach((socket) => socket.close());

  const after = await stored(db, eventId);
  const promoted = after.going.filter((r) => r.promotedAt).sort((a, b) => a.promotedAt - b.promotedAt);
  const promotedIds = promoted.map((r) => r.userId.toHexString());
  const bySeq = [...promoted].sort((a, b) => a.seq - b.seq).map((r) => r.userId.toHexString());
  const arrivals = [...heard.values()].sort((a, b) => a - b);
  return {
    cancelled: statuses.filter((s) => s === 204).length,
    nonNoContent: statuses.filter((s) => s !== 204).length,
    promoted: promoted.length,
    promotedAreTheFirstWaiting: JSON.stringify([...promotedIds].sort()) === JSON.stringify([...next].sort()),
    promotedInTicketOrder: JSON.stringify(promotedIds) === JSON.stringify(bySeq),
    socketsHeard: heard.size,
    lastDeleteAnsweredMs: round(Math.max(...answered)),
    firstSocketHeardMs: round(arrivals[0] ?? NaN),
    medianSocketHeardMs: round(arrivals[Math.floor(arrivals.length / 2)] ?? NaN),
    lastSocketHeardMs: round(arrivals[arrivals.length - 1] ?? NaN),
    countersAfter: after.counters,
    goingAfter: after.going.length,
    waitingAfter: after.waiting.length,
  };
}

function report(r) {
  const row = (name, cells) => name.padEnd(30) + cells.map((cell) => String(cell ?? '-').padStart(10)).join('');
  const side = (name, s) => row(name, [s.perSec, s.p50, s.p95, s.p99, s.max, s.answers.going, s.answers.waitlisted]);
  const c = r.cancellations;
  const lines = [
    `\nEvent RSVPs: ${r.members} members at once, ${r.seats} seats; node ${r.versions.node}, ${r.versions.engine} ${r.versions.server}\n`,
    row('', ['RSVPs/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'going', 'waiting']),
    side('hub  POST /api/events/:id/rsvp', r.hub),
    side('raw  mongodb driver', r.raw),
    side('raw  one at a time', r.rawOneAtATime),
    '',
    `hub/raw RSVPs/s ${r.ratios.throughput}x (target ≥ 0.5x)   raw/hub p95 ${r.ratios.p95}x   ` +
      `hub/raw one at a time ${r.ratios.throughputVsOneAtATime}x`,
    `hub: ${r.checks.hubGoing} going in the database (exactly ${r.seats}: ${r.checks.exactlySeats ? 'yes' : 'NO'}), ` +
      `${r.checks.hubWaiting} waiting, tickets distinct: ${r.checks.ticketsDistinct ? 'yes' : 'NO'}, counters ${JSON.stringify(r.checks.hubCounters)}`,
    `raw: ${r.checks.rawGoing} going in the database (FerretDB does not make the conditional updates atomic without ` +
      `the hub's lease; many at once they conflict and retry), one at a time: ${r.rawOneAtATime.answers.going} going`,
    r.hub.answers.other ? `hub non-200: ${r.hub.answers.other} (first: ${r.hub.answers.firstOther})` : '',
    r.raw.answers.errors ? `raw errors: ${r.raw.answers.errors} (first: ${r.raw.answers.firstError})` : '',
    `cores busy during the burst: hub side ${Object.entries(r.hub.cores)
      .map((e) => e.join(' '))
      .join(', ')}; ` +
      `raw side ${Object.entries(r.raw.cores)
        .map((e) => e.join(' '))
        .join(', ')}`,
    '',
    `${c.cancelled} cancellations at once (${c.nonNoContent} not 204): ${c.promoted} promoted, the first ${r.cancels} on the waitlist: ` +
      `${c.promotedAreTheFirstWaiting ? 'yes' : 'NO'}, in ticket order: ${c.promotedInTicketOrder ? 'yes' : 'NO'}`,
    `sockets that heard: ${c.socketsHeard}/${r.cancels}; after the first DELETE was sent: last DELETE answered ${c.lastDeleteAnsweredMs} ms, ` +
      `first socket ${c.firstSocketHeardMs} ms, median ${c.medianSocketHeardMs} ms, last promoted member's socket ${c.lastSocketHeardMs} ms`,
    `after: ${c.goingAfter} going, ${c.waitingAfter} waiting, counters ${JSON.stringify(c.countersAfter)}`,
    r.problems.length ? `PROBLEM: ${r.problems.join('; ')}` : 'All checks held.',
    `JSON: ${r.file}\n`,
  ];
  console.log(lines.filter((line) => line !== '').join('\n'));
}

async function main() {
  let db, hub, client;
  const tmp = prepareRun('events', { watchdogMs: 20 * 60_000, onExit: () => hub?.child.kill('SIGKILL') });
  try {
    ({ db, pid: PIDS.ferretdb } = await startDatabase(tmp));
    // The hub's pool size (database.module.ts), so both sides put as many operations in flight.
    client = await new MongoClient(db.uri, { maxPoolSize: 50, serverSelectionTimeoutMS: 10_000 }).connect();
    const info = await client.db('raw_bench').admin().command({ buildInfo: 1 });
    const hubDb = client.db('hub_bench');
    const rawDb = client.db('raw_bench');
    // The hub's default Redis: its own redis-server in HUB_DATA_DIR (leases, socket fan-out).
    const env = { JWT_SECRET };
    hub = await startHub({ mongoUri: `${db.uri}/hub_bench`, dataDir: join(tmp, 'hub'), redis: 'embedded', env });
    log(`hub up at ${hub.base}; seeding ${MEMBERS} members`);
    const program = await setUp(hub.base, hubDb);
    await rawDb.collection('event_rsvps').createIndex({ eventId: 1, status: 1, seq: 1 });
    const pids = { hub: hub.child.pid, ferretdb: PIDS.ferretdb };

    log(`warm-up: ${WARMUP} RSVPs on each side`);
    const warm = await createEvent(hub.base, program.manager, program.organizationId, `Warm-up ${RUN_ID}`);
    await burst(hub.base, warm.id, program.members.slice(0, WARMUP));
    await rawBurst(rawDb, await rawEvent(rawDb, SEATS), program.members.slice(0, WARMUP));

    log(`hub: ${MEMBERS} RSVPs at once for ${SEATS} seats`);
    const event = await createEvent(hub.base, program.manager, program.organizationId, `Clinic ${RUN_ID}`);
    const hubRun = await withCores(pids, () => burst(hub.base, event.id, program.members));
    log(`raw driver: ${MEMBERS} RSVPs at once`);
    const rawEventId = await rawEvent(rawDb, SEATS);
    const rawRun = await withCores({ ferretdb: PIDS.ferretdb }, () => rawBurst(rawDb, rawEventId, program.members));

    const hubState = await stored(hubDb, event.id);
    const rawState = await stored(rawDb, rawEventId.toHexString());
    log(`raw driver, one RSVP at a time (the uncontended floor): ${MEMBERS} RSVPs`);
    const serialEventId = await rawEvent(rawDb, SEATS);
    const serial = await withCores({ ferretdb: PIDS.ferretdb }, () =>
      rawBurst(rawDb, serialEventId, program.members, 1),
    );
    log(`cancellations: ${CANCELS} going members leave at once`);
    const cancelled = await cancellations(hub.base, hubDb, event.id, program.members);

    const checks = {
      hubGoing: hubState.going.length,
      hubWaiting: hubState.waiting.length,
      exactlySeats: hubState.going.length === SEATS && hubRun.answers.going === SEATS,
      ticketsDistinct: new Set(hubState.waiting.map((r) => r.seq)).size === hubState.waiting.length,
      hubCounters: hubState.counters,
      rawGoing: rawState.going.length,
    };
    const problems = [];
    if (!checks.exactlySeats) problems.push(`${checks.hubGoing} going instead of ${SEATS}`);
    if (hubState.waiting.length !== MEMBERS - SEATS) problems.push(`${hubState.waiting.length} waiting`);
    if (hubRun.answers.other) problems.push(`${hubRun.answers.other} RSVPs not answered 200`);
    if (cancelled.promoted !== CANCELS) problems.push(`${cancelled.promoted} promoted instead of ${CANCELS}`);
    if (!cancelled.promotedAreTheFirstWaiting) problems.push('promoted members are not the first on the waitlist');
    if (!cancelled.promotedInTicketOrder) problems.push('promotions out of ticket order');
    if (cancelled.socketsHeard !== CANCELS) problems.push(`${cancelled.socketsHeard} sockets heard of their promotion`);

    const versions = { node: process.version, engine: db.engine, server: info.ferretdbVersion ?? info.version };
    versions.driver = require('mongodb/package.json').version;
    const at = new Date().toISOString();
    const file = join(ROOT, 'bench/results', `events-${at.replace(/[:.]/g, '-')}.json`);
    const result = {
      benchmark: 'events',
      at,
      members: MEMBERS,
      seats: SEATS,
      cancels: CANCELS,
      versions,
      hub: hubRun,
      raw: rawRun,
      rawOneAtATime: serial,
      ratios: {
        throughput: round(hubRun.perSec / rawRun.perSec, 3),
        p95: round(rawRun.p95 / hubRun.p95, 3),
        throughputVsOneAtATime: round(hubRun.perSec / serial.perSec, 3),
      },
      checks,
      cancellations: cancelled,
      problems,
      file,
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    report(result);
    return problems.length ? 2 : 0;
  } finally {
    await stopProcess(hub?.child);
    await client?.close();
    await db?.stop();
  }
}

run(main);
