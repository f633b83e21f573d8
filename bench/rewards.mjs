#!/usr/bin/env node
// Redemption throughput: 200 members redeeming at once through POST /api/rewards/:id/redemptions
// (50 connections) beside the raw mongodb driver doing the same conditional debit and stock
// decrement on the same embedded FerretDB in the same run; then the invariants.
//
// Usage, from the repository root once api/dist is built (nothing to install):
//   node bench/rewards.mjs            20 s per side, 50 connections (hub) / workers (raw)
//   node bench/rewards.mjs --quick    5 s per side
//   BENCH_SECONDS=60 BENCH_CONNECTIONS=100 node bench/rewards.mjs
// It starts its own FerretDB and hub on 127.0.0.1 in a temp directory and removes both when done.
// The report goes to stdout and to bench/results/rewards-<timestamp>.json. Exit code: 0 when both
// sides ran and every invariant held, 3 when an invariant failed, 1 on a failure.
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

const QUICK = process.argv.includes('--quick');
const SECONDS = positiveInt('BENCH_SECONDS', QUICK ? 5 : 20);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 50);
const WARMUP_SECONDS = QUICK ? 1 : 3;
const MEMBERS = 200;
const COST = 10;
const BALANCE = 1_000_000; // plenty: the measured run is about redeeming, not about running dry
const STOCK = 10_000_000;
const POOL_CODES = 150; // the invariant run: 200 members race for 150 codes
const ADMIN = { HUB_ADMIN_EMAIL: 'bench-admin@hub.test', HUB_ADMIN_PASSWORD: 'bench-admin-password' };
const LIMITS = { WRITE_RATE_LIMIT: '100000000', LOGIN_RATE_LIMIT: '1000', REGISTER_RATE_LIMIT: '100000' };
const SETTINGS = { seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS, members: MEMBERS };
const RUN_ID = Date.now().toString(36);
const PIDS = {};

let seq = 0;

function summarize(samples, seconds) {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const round = (x) => Math.round(x * 100) / 100;
  const at = (p) => round(sorted[Math.max(0, Math.ceil((p / 100) * n) - 1)] ?? NaN);
  return { redemptions: n, seconds: round(seconds), perSec: round(n / seconds), p50: at(50), p95: at(95), p99: at(99) };
}

async function startHub(mongoUri, dataDir) {
  const port = await freePort();
  const env = { ...process.env, ...ADMIN, ...LIMITS, MONGODB_URI: mongoUri, HUB_DATA_DIR: dataDir };
  Object.assign(env, { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', HUB_DEMO: 'false' });
  Object.assign(env, { JOBS_INTERVAL_MINUTES: '0' });
  const child = spawn(process.execPath, [join(ROOT, 'api/dist/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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

async function call(base, method, path, body, headers = {}) {
  const init = {
    method,
    signal: AbortSignal.timeout(60_000),
    headers: { 'content-type': 'application/json', ...headers },
  };
  const res = await fetch(base + path, body === undefined ? init : { ...init, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

async function must(base, method, path, body, headers) {
  const { status, text } = await call(base, method, path, body, headers);
  if (status < 200 || status > 299) throw new Error(`${method} ${path} → ${status}: ${text.slice(0, 300)}`);
  return text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text;
}

/** Runs `tasks` with at most `limit` in flight; returns their results in order. */
async function inBatches(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  return results;
}

/** Admin, organization, 200 members with points, and the measured reward, through the public API. */
async function setUpHub(base) {
  const login = { email: ADMIN.HUB_ADMIN_EMAIL, password: ADMIN.HUB_ADMIN_PASSWORD };
  const admin = { authorization: `Bearer ${(await must(base, 'POST', '/api/auth/login', login)).accessToken}` };
  const org = await must(base, 'POST', '/api/organizations', { name: `Bench ${RUN_ID}`, timezone: 'UTC' }, admin);
  const members = await inBatches(
    Array.from({ length: MEMBERS }, (_, i) => async () => {
      const email = `member${i}-${RUN_ID}@bench.test`;
      const body = { email, password: 'bench-member-pw', displayName: `Member ${i}`, inviteCode: org.inviteCode };
      const session = await must(base, 'POST', '/api/auth/register', body);
      return { id: session.user.id, token: session.accessToken };
    }),
    10, // argon2 makes registration CPU-bound: more in flight only queues
  );
  await inBatches(
    members.map((member) => () => {
      const grant = {
        userId: member.id,
        amount: BALANCE,
        reason: 'Bench points',
        idempotencyKey: `bench-${member.id}`,
      };
      return must(base, 'POST', '/api/points/adjustments', grant, admin);
    }),
    10,
  );
  const reward = await must(
    base,
    'POST',
    '/api/rewards',
    { name: `Bench reward ${RUN_ID}`, description: 'Measured', kind: 'discount', cost: COST, stock: STOCK },
    admin,
  );
  return { admin, members, reward };
}

/** autocannon on the redemption endpoint: members round robin, a fresh idempotency key each time. */
function runHub(base, members, rewardId, seconds) {
  const samples = [];
  const outcome = { refused: 0, firstRefusal: null };
  let redeemed = false;
  const request = {
    setupRequest: (req) => {
      const member = members[seq % members.length];
      const body = JSON.stringify({ idempotencyKey: `bench-${RUN_ID}-${seq++}` });
      return { ...req, headers: { ...req.headers, authorization: `Bearer ${member.token}` }, body };
    },
    onResponse: (status, body) => {
      redeemed = status === 201;
      if (status !== 201) {
        outcome.refused++;
        outcome.firstRefusal ??= `${status} ${body.slice(0, 200)}`;
      }
    },
  };
  const options = {
    url: `${base}/api/rewards/${rewardId}/redemptions`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    timeout: 10,
    requests: [request],
  };
  return new Promise((done, fail) => {
    const instance = autocannon(options, (error, result) => {
      if (error) return fail(error);
      const { non2xx, errors, timeouts } = result;
      done({ ...summarize(samples, result.duration), non2xx, errors, timeouts, ...outcome });
    });
    instance.on('response', (_client, _status, _bytes, ms) => redeemed && samples.push(ms));
  });
}

/** The floor: the same two conditional updates per redemption through the driver. */
async function runRaw(db, memberIds, rewardId, seconds) {
  const wallets = db.collection('wallets');
  const rewards = db.collection('rewards');
  const redeem = async (userId) => {
    const debit = await wallets.updateOne({ _id: userId, balance: { $gte: COST } }, { $inc: { balance: -COST } });
    if (!debit.modifiedCount) throw new Error('raw: balance short');
    const stock = await rewards.updateOne({ _id: rewardId, stock: { $gte: 1 } }, { $inc: { stock: -1 } });
    if (!stock.modifiedCount) throw new Error('raw: out of stock');
  };
  // Each worker owns a disjoint slice of members (FerretDB's conditional update is not atomic, so
  // two writers of one wallet could both pass the check); the reward document is shared, as in the hub.
  const slices = Array.from({ length: CONNECTIONS }, (_, w) => memberIds.filter((_, i) => i % CONNECTIONS === w));
  const samples = [];
  const failures = { errors: 0, firstError: null };
  const end = performance.now() + seconds * 1000;
  const worker = async (mine) => {
    for (let n = 0; performance.now() < end; n++) {
      const t0 = process.hrtime.bigint();
      try {
        await redeem(mine[n % mine.length]);
        if (performance.now() <= end) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch (error) {
        failures.errors++;
        failures.firstError ??= error.message;
      }
    }
  };
  await Promise.all(slices.map(worker));
  return { ...summarize(samples, seconds), ...failures };
}

async function measureHub(hub, members, reward) {
  const probe = await call(
    hub.base,
    'POST',
    `/api/rewards/${reward.id}/redemptions`,
    {},
    {
      authorization: `Bearer ${members[0].token}`,
    },
  );
  if (probe.status !== 201) throw new Error(`probe answered ${probe.status} ${probe.text.slice(0, 200)}`);
  log(`hub: ${WARMUP_SECONDS} s warm-up, then ${SECONDS} s`);
  const drain = (run) => sleep(Math.min(10_000, run.p99 || 0)).then(() => run);
  await drain(await runHub(hub.base, members, reward.id, WARMUP_SECONDS));
  const pids = { hub: hub.child.pid, ferretdb: PIDS.ferretdb };
  return drain(await withCores(pids, () => runHub(hub.base, members, reward.id, SECONDS)));
}

async function measureRaw(db, memberIds) {
  log(`raw driver: ${WARMUP_SECONDS} s warm-up, then ${SECONDS} s`);
  const ids = memberIds.map((id) => new ObjectId(id));
  await db.collection('wallets').insertMany(ids.map((_id) => ({ _id, balance: BALANCE })));
  const rewardId = new ObjectId();
  await db.collection('rewards').insertOne({ _id: rewardId, stock: STOCK, cost: COST });
  await runRaw(db, ids, rewardId, WARMUP_SECONDS);
  return withCores({ ferretdb: PIDS.ferretdb }, () => runRaw(db, ids, rewardId, SECONDS));
}

/**
 * The invariants, after the measured run and a race for a code pool: every member redeems once at
 * the same moment (50 in flight) for 150 codes.
 */
async function checkInvariants(hub, admin, members, reward, database) {
  const pool = await must(
    hub.base,
    'POST',
    '/api/rewards',
    { name: `Bench codes ${RUN_ID}`, description: 'Race', kind: 'gift-card', cost: COST, codePool: true },
    admin,
  );
  const codes = Array.from({ length: POOL_CODES }, (_, i) => `BENCH-${RUN_ID}-${i}`);
  await must(hub.base, 'POST', `/api/rewards/${pool.id}/codes`, { codes: codes.join('\n') }, admin);
  log(`invariants: ${MEMBERS} members race for ${POOL_CODES} codes`);
  const race = await inBatches(
    members.map(
      (member) => () =>
        call(hub.base, 'POST', `/api/rewards/${pool.id}/redemptions`, {}, { authorization: `Bearer ${member.token}` }),
    ),
    CONNECTIONS,
  );
  const won = race.filter((r) => r.status === 201).map((r) => JSON.parse(r.text));
  const handedOut = won.map((r) => r.code);
  const reconcile = await must(hub.base, 'POST', '/api/admin/jobs/reconcile', {}, admin);
  const stored = await database
    .collection('rewards')
    .find({ _id: { $in: [reward.id, pool.id].map((id) => new ObjectId(id)) } })
    .toArray();
  const measured = stored.find((r) => r._id.toHexString() === reward.id);
  const codePool = stored.find((r) => r._id.toHexString() === pool.id);
  const taken = await database
    .collection('redemptions')
    .countDocuments({ rewardId: new ObjectId(reward.id), state: { $in: ['pending', 'fulfilled'] } });
  const slots = await database
    .collection('reward_codes')
    .find({ rewardId: new ObjectId(pool.id) })
    .toArray();
  const assigned = slots.filter((slot) => slot.redemptionId !== null);
  const checks = {
    ledgerEqualsWallets: reconcile.fixed.length === 0,
    stockNeverBelowZero: measured.stock >= 0 && codePool.stock >= 0,
    stockMatchesRedemptions: measured.stock === STOCK - taken,
    codeRaceWinners: won.length === POOL_CODES,
    codeRaceRefusedOutOfStock:
      race.filter((r) => r.status === 409 && r.text.includes('Out of stock')).length === MEMBERS - POOL_CODES,
    noCodeTwice:
      new Set(handedOut).size === handedOut.length &&
      new Set(assigned.map((s) => s.redemptionId)).size === assigned.length,
    everyCodeHandedOut: assigned.length === POOL_CODES && codePool.stock === 0,
  };
  return {
    checks,
    details: {
      reconcile: { entries: reconcile.entries, wallets: reconcile.wallets, fixed: reconcile.fixed.length },
      measuredStockLeft: measured.stock,
      measuredRedemptions: taken,
      codeRace: { winners: won.length, statuses: countBy(race.map((r) => r.status)) },
    },
  };
}

const countBy = (values) => values.reduce((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});

function report(r) {
  const row = (name, cells) => name.padEnd(30) + cells.map((cell) => String(cell ?? '-').padStart(11)).join('');
  const side = (name, s) => row(name, [s.perSec, s.p50, s.p95, s.p99, s.refused ?? s.errors]);
  const lines = [
    `\nRedemptions, ${r.seconds} s per side after ${r.warmupSeconds} s of warm-up, ${r.connections} connections (hub) /`,
    `workers (raw), ${r.members} members; node ${r.versions.node}, ${r.versions.engine} ${r.versions.server}\n`,
    row('', ['redeem/s', 'p50 ms', 'p95 ms', 'p99 ms', 'refused']),
    side('hub  POST …/redemptions', r.hub),
    side('raw  debit + stock update', r.raw),
    '',
    `hub/raw throughput ${r.ratios.throughput}x   raw/hub p95 ${r.ratios.p95}x   (1 = no overhead; target ≥ 0.5x)`,
  ];
  if (r.hub.firstRefusal) lines.push(`first hub refusal: ${r.hub.firstRefusal}`);
  if (r.raw.firstError) lines.push(`first raw error: ${r.raw.firstError}`);
  const cores = (s) =>
    Object.entries(s.cores)
      .map((entry) => entry.join(' '))
      .join(', ');
  lines.push(`cores busy while measuring: hub side ${cores(r.hub)}; raw side ${cores(r.raw)}`);
  const dbCost = (s) => Math.round((s.cores.ferretdb / s.perSec) * 10_000) / 10;
  lines.push(`database CPU ms per redemption: hub ${dbCost(r.hub)}, raw ${dbCost(r.raw)}`);
  lines.push('', 'invariants:');
  for (const [name, ok] of Object.entries(r.invariants.checks)) lines.push(`  ${ok ? 'ok  ' : 'FAIL'} ${name}`);
  lines.push(`  ${JSON.stringify(r.invariants.details)}`, `JSON: ${r.file}\n`);
  console.log(lines.join('\n'));
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'hub-bench-rewards-'));
  let db, hub, client;
  process.once('exit', () => {
    hub?.child.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
  const watchdog = () => (log('watchdog: taking too long, stopping'), process.exit(1));
  setTimeout(watchdog, (2 * (SECONDS + WARMUP_SECONDS) + 900) * 1000).unref();
  try {
    const dbOptions = { dataDir: join(tmp, 'db'), toolsDir: join(ROOT, '.tools'), log: (l) => log(`db: ${l}`) };
    db = await startEmbeddedDatabase(dbOptions);
    PIDS.ferretdb = JSON.parse(readFileSync(join(tmp, 'db', 'embedded-db.json'), 'utf8')).pid;
    const clientOptions = { maxPoolSize: CONNECTIONS, serverSelectionTimeoutMS: 10_000, socketTimeoutMS: 60_000 };
    client = await new MongoClient(`${db.uri}/raw_bench`, clientOptions).connect();
    const hubDb = client.db('hub_bench');
    const info = await client.db().admin().command({ buildInfo: 1 });
    hub = await startHub(`${db.uri}/hub_bench`, join(tmp, 'hub'));
    log(`hub up at ${hub.base} (pid ${hub.child.pid}); registering ${MEMBERS} members with ${BALANCE} points each`);
    const { admin, members, reward } = await setUpHub(hub.base);

    const hubRun = await measureHub(hub, members, reward);
    const raw = await measureRaw(
      client.db(),
      members.map((m) => m.id),
    );
    const invariants = await checkInvariants(hub, admin, members, reward, hubDb);

    const ratio = (a, b) => Math.round((a / b) * 1000) / 1000;
    const ratios = { throughput: ratio(hubRun.perSec, raw.perSec), p95: ratio(raw.p95, hubRun.p95) };
    const versions = { node: process.version, engine: db.engine, server: info.ferretdbVersion ?? info.version };
    versions.autocannon = require('autocannon/package.json').version;
    versions.driver = require('mongodb/package.json').version;
    const at = new Date().toISOString();
    const file = join(ROOT, 'bench/results', `rewards-${at.replace(/[:.]/g, '-')}.json`);
    const result = { benchmark: 'rewards', at, ...SETTINGS, versions, hub: hubRun, raw, ratios, invariants, file };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    report(result);
    return Object.values(invariants.checks).every(Boolean) ? 0 : 3;
  } finally {
    await stopProcess(hub?.child);
    await client?.close();
    await db?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => (console.error(error?.stack ?? error), process.exit(1)),
);
