#!/usr/bin/env node
// Activity-ingest throughput: the hub's POST /api/activities against the raw mongodb driver doing
// the minimal writes of an award, on one embedded FerretDB server, in one run. Two floors:
// - raw: three writes (the activity, its ledger entry, the wallet), as every earlier run of this
//   bench measured, so ratios stay comparable across builds;
// - raw, 2 writes: the hub's own layout since it stores the activity on its ledger entry (the
//   entry with the activity, the wallet): what the hub's machinery costs over the same documents.
//
// Usage, from the repository root once api/dist is built (no npm script, nothing to install):
//   node bench/activities.mjs            20 s per side, 50 connections (hub) / workers (raw)
//   node bench/activities.mjs --quick    5 s per side
//   BENCH_SECONDS=60 BENCH_CONNECTIONS=100 node bench/activities.mjs
//   BENCH_INSTANCES=2 node bench/activities.mjs   two hub processes on the one database (and the
//                                                  one embedded Redis), the connections split between them
// It starts its own FerretDB and hub on 127.0.0.1 in a temp directory and removes both when done.
// The report goes to stdout and to bench/results/activities-<timestamp>.json. Exit code: 0 when
// both sides ran, 2 when the hub side was skipped (the endpoint refused a probe), 1 on a failure.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { adminToken, loadRun, log, memoryOf, percentiles, positiveInt, prepareRun, ROOT, round } from './lib.mjs';
import { post, request, run, sleep, startDatabase, startHub, stopProcess, timedWorkers, withCores } from './lib.mjs';

const require = createRequire(import.meta.url); // both packages are CommonJS
const { MongoClient, ObjectId } = require('mongodb');

const QUICK = process.argv.includes('--quick');
const SECONDS = positiveInt('BENCH_SECONDS', QUICK ? 5 : 20);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 50);
const INSTANCES = positiveInt('BENCH_INSTANCES', 1);
const WARMUP_SECONDS = QUICK ? 1 : 3; // JIT, pools and SQLite pages warm up before anything is measured
const MEMBERS = Math.max(200, CONNECTIONS); // every raw worker owns at least one member
const TYPE = 'purchase.recorded';
const SETTINGS = {
  seconds: SECONDS,
  warmupSeconds: WARMUP_SECONDS,
  connections: CONNECTIONS,
  members: MEMBERS,
  instances: INSTANCES,
};
const RUN_ID = Date.now().toString(36);
const PIDS = {}; // the database server's, once started

let seq = 0; // one counter for every award of the run, so each gets its own idempotency key
function nextAward(userIds, prefix) {
  const n = seq++;
  return { userId: userIds[n % userIds.length], idempotencyKey: `${prefix}-${RUN_ID}-${n}`, value: 1 + (n % 20) };
}

/** Rate and nearest-rank percentiles of latencies in ms, computed the same way for both sides. */
function summarize(samples, seconds) {
  const { count: n, ...ranks } = percentiles(samples);
  return { awards: n, seconds: round(seconds), awardsPerSec: round(n / seconds), ...ranks };
}

/** Admin session, organization, members and an API key, through the public API as a client would. */
async function setUpHub(base) {
  const admin = { authorization: `Bearer ${await adminToken(base)}` };
  const { inviteCode } = await post(base, '/api/organizations', { name: `Bench ${RUN_ID}`, timezone: 'UTC' }, admin);
  const userIds = [];
  for (let i = 0; i < MEMBERS; i += 10) {
    // Batches of 10: argon2 makes registration CPU-bound, more in flight only queues.
    const batch = Array.from({ length: Math.min(10, MEMBERS - i) }, (_, j) => {
      const email = `member${i + j}-${RUN_ID}@bench.test`;
      const member = { email, password: 'bench-member-pw', displayName: `Member ${i + j}`, inviteCode };
      return post(base, '/api/auth/register', member);
    });
    for (const session of await Promise.all(batch)) userIds.push(session.user.id);
  }
  const { key } = await post(base, '/api/api-keys', { name: `bench ${RUN_ID}` }, admin);
  return { key, userIds };
}

/** autocannon on POST /api/activities with a fresh body (so a fresh idempotency key) per request. */
async function runHub(base, key, userIds, seconds, prefix, connections = CONNECTIONS) {
  const outcome = { duplicates: 0, firstRefusal: null };
  const setupRequest = (req) => ({ ...req, body: JSON.stringify({ ...nextAward(userIds, prefix), type: TYPE }) });
  // A replayed key would come back 2xx without awarding anything: counted apart, never as an award.
  const onResponse = (status, body) => {
    const duplicate = status < 300 && body.includes('"duplicate":true');
    if (duplicate) outcome.duplicates++;
    if (status >= 300) outcome.firstRefusal ??= `${status} ${body.slice(0, 200)}`;
    return status >= 200 && status < 300 && !duplicate;
  };
  const options = { url: `${base}/api/activities`, method: 'POST', connections, duration: seconds };
  const headers = { 'content-type': 'application/json', 'x-api-key': key };
  const { samples, result } = await loadRun({ ...options, headers }, { setupRequest, onResponse });
  const { non2xx, errors, timeouts, statusCodeStats } = result;
  return { ...summarize(samples, result.duration), samples, non2xx, errors, timeouts, statusCodeStats, ...outcome };
}

/** The hub side on every instance at once, the connections split between them; one merged result. */
async function runHubs(hubs, key, userIds, seconds, prefix) {
  const share = Math.max(1, Math.round(CONNECTIONS / hubs.length));
  const runs = await Promise.all(hubs.map((hub) => runHub(hub.base, key, userIds, seconds, prefix, share)));
  const samples = runs.flatMap((run) => run.samples);
  const sum = (field) => runs.reduce((total, run) => total + (run[field] ?? 0), 0);
  const merged = { ...summarize(samples, Math.max(...runs.map((run) => run.seconds))) };
  Object.assign(merged, { non2xx: sum('non2xx'), errors: sum('errors'), timeouts: sum('timeouts') });
  Object.assign(merged, {
    duplicates: sum('duplicates'),
    firstRefusal: runs.find((run) => run.firstRefusal)?.firstRefusal,
  });
  return merged;
}

/** Collections of each floor (see the header). */
const FLOORS = { three: ['activities', 'ledger', 'wallets'], two: [null, 'ledger2', 'wallets2'] };

/** A floor: its writes per award straight through the driver, CONNECTIONS workers. */
async function runRaw(db, userIds, seconds, prefix, floor) {
  const [activities, ledger, wallets] = FLOORS[floor].map((name) => name && db.collection(name));
  const award = async ({ userId, idempotencyKey, value }) => {
    const createdAt = new Date();
    if (activities) await activities.insertOne({ userId, type: TYPE, value, idempotencyKey, createdAt });
    const source = { type: TYPE, id: null };
    const entry = { userId, amount: value, kind: 'earn', reason: TYPE, source, idempotencyKey, createdAt };
    if (!activities) entry.activity = { value, metadata: {}, reason: null, reportedBy: { kind: 'api-key', id: null } };
    await ledger.insertOne(entry);
    const $inc = { balance: value, lifetime: value, qualifying: value };
    await wallets.updateOne({ _id: userId }, { $inc, $set: { updatedAt: createdAt } }, { upsert: true });
  };
  // Each worker owns a disjoint slice of members. FerretDB 1.24 applies $inc as read-modify-write
  // (the hub serializes writes per member in-process for that reason), so concurrent writes to one
  // wallet here would lose increments or collide on upsert, a cost the hub does not pay either.
  const slices = Array.from({ length: CONNECTIONS }, (_, w) => userIds.filter((_, i) => i % CONNECTIONS === w));
  const work = (w) => award(nextAward(slices[w], prefix));
  const { samples, failures } = await timedWorkers(CONNECTIONS, seconds, work);
  return { ...summarize(samples, seconds), ...failures };
}

const COLUMNS = { 'awards/s': 'awardsPerSec', 'p50 ms': 'p50', 'p95 ms': 'p95', 'p99 ms': 'p99', 'non-2xx': 'non2xx' };

function report(r) {
  const row = (name, cells) => name.padEnd(26) + cells.map((cell) => String(cell ?? '-').padStart(10)).join('');
  const side = (name, s) =>
    s ? row(name, [...Object.values(COLUMNS).map((field) => s[field]), s.errors]) : `${name}  skipped`;
  const { node, engine, server, autocannon, driver } = r.versions;
  const lines = [
    `\nActivity ingest, ${r.seconds} s per side after ${r.warmupSeconds} s of warm-up, ${r.connections} connections`,
    `hub instances: ${r.instances} (one database, one Redis)`,
    `(hub) / workers (raw), ${r.members} members; node ${node}, ${engine} ${server}, autocannon ${autocannon}, mongodb ${driver}\n`,
    row('', [...Object.keys(COLUMNS), 'errors']),
    side('hub  POST /api/activities', r.hub),
    side('raw  mongodb driver', r.raw),
    side('raw, 2 writes', r.rawTwo),
    '',
  ];
  if (r.hubSkipped) lines.push(`hub side skipped: ${r.hubSkipped}`);
  if (r.ratios)
    lines.push(
      `hub/raw throughput ${r.ratios.throughput}x   raw/hub p50 ${r.ratios.p50}x   (1 = no overhead)`,
      `hub/raw (2 writes) throughput ${r.ratios.throughputTwo}x   raw/hub p50 ${r.ratios.p50Two}x`,
    );
  if (r.hub?.duplicates) lines.push(`WARNING: ${r.hub.duplicates} 2xx answers said duplicate:true (not awards)`);
  if (r.hub?.timeouts) lines.push(`${r.hub.timeouts} of the hub's errors are requests unanswered after 10 s`);
  if (r.hub?.firstRefusal) lines.push(`first non-2xx: ${r.hub.firstRefusal}`);
  if (r.raw.firstError) lines.push(`first raw error: ${r.raw.firstError}`);
  const cores = (side) =>
    side &&
    Object.entries(side.cores)
      .map((entry) => entry.join(' '))
      .join(', ');
  lines.push(
    `cores busy while measuring: hub side ${cores(r.hub) ?? '-'}; raw side ${cores(r.raw)}; raw, 2 writes ${cores(r.rawTwo)}`,
  );
  // The database's CPU per award says how much more work than the three writes the hub asks of it.
  const dbCost = (side) => side && Math.round((side.cores.ferretdb / side.awardsPerSec) * 10_000) / 10;
  lines.push(
    `database CPU ms per award: hub ${dbCost(r.hub) ?? '-'}, raw ${dbCost(r.raw)}, raw 2 writes ${dbCost(r.rawTwo)}`,
  );
  const memory = r.hubMemory ? `${r.hubMemory.rssMB} MB (peak ${r.hubMemory.peakMB} MB)` : 'n/a';
  lines.push(`hub RSS after its run: ${memory}`, `JSON: ${r.file}\n`);
  console.log(lines.join('\n'));
}

/** Warm-up and measured run of the hub, or the reason it was skipped when a probe is refused. */
async function measureHub(hubs, key, userIds) {
  const award = { ...nextAward(userIds, 'probe'), type: TYPE };
  const { status, text } = await request(hubs[0].base, 'POST', '/api/activities', award, { 'x-api-key': key });
  if (status < 200 || status > 299) return { skipped: `probe answered ${status} ${text.slice(0, 200)}` };
  log(`hub: ${WARMUP_SECONDS} s warm-up, then ${SECONDS} s`);
  // autocannon abandons what is in flight when time is up, but the hub still finishes that work:
  // waiting about a p99 lets it drain, so that leftover work does not spill into the next run.
  const drain = (run) => sleep(Math.min(10_000, run.p99 || 0)).then(() => run);
  await drain(await runHubs(hubs, key, userIds, WARMUP_SECONDS, 'warm'));
  const pids = Object.fromEntries(hubs.map((hub, i) => [i ? `hub${i + 1}` : 'hub', hub.child.pid]));
  pids.ferretdb = PIDS.ferretdb;
  return { result: await drain(await withCores(pids, () => runHubs(hubs, key, userIds, SECONDS, 'hub'))) };
}

/** Warm-up and measured run of a floor through the driver in its own database on the same server. */
async function measureRaw(db, userIds, floor) {
  log(`raw driver (${floor} writes): ${WARMUP_SECONDS} s warm-up, then ${SECONDS} s`);
  for (const name of FLOORS[floor].slice(0, 2).filter(Boolean))
    await db.collection(name).createIndex({ idempotencyKey: 1 }, { unique: true });
  const ids = userIds.map((id) => new ObjectId(id));
  await runRaw(db, ids, WARMUP_SECONDS, `warm-${floor}`, floor);
  return withCores({ ferretdb: PIDS.ferretdb }, () => runRaw(db, ids, SECONDS, `raw-${floor}`, floor));
}

async function main() {
  let db, hub, client;
  const hubs = [];
  // On any exit: the embedded database kills its own child; the hubs and the temp dir are ours.
  // Bounded whatever happens: setup, both sides with their warm-ups, plus generous slack.
  const tmp = prepareRun('', {
    watchdogMs: (3 * (SECONDS + WARMUP_SECONDS) + 400) * 1000,
    onExit: () => hubs.forEach((one) => one.child.kill('SIGKILL')),
  });
  try {
    ({ db, pid: PIDS.ferretdb } = await startDatabase(tmp));
    const clientOptions = { maxPoolSize: CONNECTIONS, serverSelectionTimeoutMS: 10_000, socketTimeoutMS: 30_000 };
    client = await new MongoClient(`${db.uri}/raw_bench`, clientOptions).connect();
    const info = await client.db().admin().command({ buildInfo: 1 });
    // The jobs keep their interval here (JOBS_INTERVAL_MINUTES as the bench got it).
    const hubOptions = { mongoUri: `${db.uri}/hub_bench`, dataDir: join(tmp, 'hub'), jobs: true };
    hub = await startHub(hubOptions);
    hubs.push(hub);
    // More instances share the database and, through its pid file, the first one's embedded Redis.
    while (hubs.length < INSTANCES) hubs.push(await startHub(hubOptions));
    log(`${hubs.length} hub(s) up at ${hubs.map((one) => one.base).join(', ')}; registering ${MEMBERS} members`);
    const { key, userIds } = await setUpHub(hub.base);

    const { result: hubRun = null, skipped = null } = await measureHub(hubs, key, userIds);
    if (skipped) log(`skipping the hub side: ${skipped}`);
    const hubMemory = memoryOf(hub.child.pid, 0); // right after its run, while it still holds its load
    const raw = await measureRaw(client.db(), userIds, 'three');
    const rawTwo = await measureRaw(client.db(), userIds, 'two');

    const ratio = (a, b) => Math.round((a / b) * 1000) / 1000;
    const ratios = hubRun && {
      throughput: ratio(hubRun.awardsPerSec, raw.awardsPerSec),
      p50: ratio(raw.p50, hubRun.p50),
      throughputTwo: ratio(hubRun.awardsPerSec, rawTwo.awardsPerSec),
      p50Two: ratio(rawTwo.p50, hubRun.p50),
    };
    const versions = { node: process.version, engine: db.engine, server: info.ferretdbVersion ?? info.version };
    versions.autocannon = require('autocannon/package.json').version;
    versions.driver = require('mongodb/package.json').version;
    const at = new Date().toISOString();
    const file = join(ROOT, 'bench/results', `activities-${at.replace(/[:.]/g, '-')}.json`);
    const result = {
      benchmark: 'activities',
      at,
      ...SETTINGS,
      versions,
      hub: hubRun,
      hubSkipped: skipped,
      raw,
      rawTwo,
    };
    Object.assign(result, { ratios, hubMemory, file });
    mkdirSync(dirname(result.file), { recursive: true });
    writeFileSync(result.file, JSON.stringify(result, null, 2) + '\n');
    report(result);
    return hubRun ? 0 : 2;
  } finally {
    for (const one of hubs.slice(1)) await stopProcess(one.child);
    await stopProcess(hub?.child);
    await client?.close();
    await db?.stop();
  }
}

run(main);
