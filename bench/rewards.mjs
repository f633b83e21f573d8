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
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { adminToken, loadRun, log, percentiles, positiveInt, prepareRun, ROOT, round, run } from './lib.mjs';
import { must, request, sleep, startDatabase, startHub, stopProcess, timedWorkers, withCores } from './lib.mjs';

const require = createRequire(import.meta.url);
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
const SETTINGS = { seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS, members: MEMBERS };
const RUN_ID = Date.now().toString(36);
const PIDS = {};

let seq = 0;

function summarize(samples, seconds) {
  const { count: n, ...ranks } = percentiles(samples);
  return { redemptions: n, seconds: round(seconds), perSec: round(n / seconds), ...ranks };
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
  const admin = { authorization: `Bearer ${await adminToken(base)}` };
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
async function runHub(base, members, rewardId, seconds) {
  const outcome = { refused: 0, firstRefusal: null };
  const setupRequest = (req) => {
    const member = members[seq % members.length];
    const body = JSON.stringify({ idempotencyKey: `bench-${RUN_ID}-${seq++}` });
    return { ...req, headers: { ...req.headers, authorization: `Bearer ${member.token}` }, body };
  };
  const onResponse = (status, body) => {
    if (status !== 201) {
      outcome.refused++;
      outcome.firstRefusal ??= `${status} ${body.slice(0, 200)}`;
    }
    return status === 201;
  };
  const options = {
    url: `${base}/api/rewards/${rewardId}/redemptions`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
  };
  const { samples, result } = await loadRun(options, { setupRequest, onResponse });
  const { non2xx, errors, timeouts } = result;
  return { ...summarize(samples, result.duration), non2xx, errors, timeouts, ...outcome };
}

/**
 * The floor the issue names: the same two conditional updates per redemption through the driver.
 * `withRecords` adds what a redemption must also write whatever the implementation (a second
 * floor, reported beside the first): its ledger entry and its redemption record, two inserts.
 */
async function runRaw(db, memberIds, rewardId, seconds, withRecords = false) {
  const wallets = db.collection('wallets');
  const rewards = db.collection('rewards');
  const ledger = db.collection('ledger');
  const redemptions = db.collection('redemptions');
  const redeem = async (userId) => {
    const debit = await wallets.updateOne({ _id: userId, balance: { $gte: COST } }, { $inc: { balance: -COST } });
    if (!debit.modifiedCount) throw new Error('raw: balance short');
    const stock = await rewards.updateOne({ _id: rewardId, stock: { $gte: 1 } }, { $inc: { stock: -1 } });
    if (!stock.modifiedCount) throw new Error('raw: out of stock');
    if (!withRecords) return;
    const _id = new ObjectId();
    const at = new Date();
    await ledger.insertOne({ userId, amount: -COST, kind: 'redeem', idempotencyKey: `redeem:${_id}`, createdAt: at });
    await redemptions.insertOne({ _id, userId, rewardId, cost: COST, state: 'pending', createdAt: at });
  };
  // Each worker owns a disjoint slice of members (FerretDB's conditional update is not atomic, so
  // two writers of one wallet could both pass the check); the reward document is shared, as in the hub.
  const slices = Array.from({ length: CONNECTIONS }, (_, w) => memberIds.filter((_, i) => i % CONNECTIONS === w));
  const { samples, failures } = await timedWorkers(CONNECTIONS, seconds, (w, n) =>
    redeem(slices[w][n % slices[w].length]),
  );
  return { ...summarize(samples, seconds), ...failures };
}

async function measureHub(hub, members, reward) {
  const probe = await request(
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
  const floor = await withCores({ ferretdb: PIDS.ferretdb }, () => runRaw(db, ids, rewardId, SECONDS));
  log(`raw driver with the ledger entry and redemption record: ${SECONDS} s`);
  const withRecords = await withCores({ ferretdb: PIDS.ferretdb }, () => runRaw(db, ids, rewardId, SECONDS, true));
  return { floor, withRecords };
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
        request(
          hub.base,
          'POST',
          `/api/rewards/${pool.id}/redemptions`,
          {},
          { authorization: `Bearer ${member.token}` },
        ),
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
    side('raw  … + ledger + record', r.rawWithRecords),
    '',
    `hub/raw throughput ${r.ratios.throughput}x   raw/hub p95 ${r.ratios.p95}x   (1 = no overhead; target ≥ 0.5x)`,
    `hub/raw with the two records a redemption must also insert: ${r.ratios.withRecords}x`,
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
  let db, hub, client;
  const tmp = prepareRun('rewards', {
    watchdogMs: (3 * (SECONDS + WARMUP_SECONDS) + 900) * 1000,
    onExit: () => hub?.child.kill('SIGKILL'),
  });
  try {
    ({ db, pid: PIDS.ferretdb } = await startDatabase(tmp));
    const clientOptions = { maxPoolSize: CONNECTIONS, serverSelectionTimeoutMS: 10_000, socketTimeoutMS: 60_000 };
    client = await new MongoClient(`${db.uri}/raw_bench`, clientOptions).connect();
    const hubDb = client.db('hub_bench');
    const info = await client.db().admin().command({ buildInfo: 1 });
    hub = await startHub({ mongoUri: `${db.uri}/hub_bench`, dataDir: join(tmp, 'hub') });
    log(`hub up at ${hub.base} (pid ${hub.child.pid}); registering ${MEMBERS} members with ${BALANCE} points each`);
    const { admin, members, reward } = await setUpHub(hub.base);

    const hubRun = await measureHub(hub, members, reward);
    const { floor: raw, withRecords: rawWithRecords } = await measureRaw(
      client.db(),
      members.map((m) => m.id),
    );
    const invariants = await checkInvariants(hub, admin, members, reward, hubDb);

    const ratio = (a, b) => Math.round((a / b) * 1000) / 1000;
    const ratios = {
      throughput: ratio(hubRun.perSec, raw.perSec),
      p95: ratio(raw.p95, hubRun.p95),
      withRecords: ratio(hubRun.perSec, rawWithRecords.perSec),
    };
    const versions = { node: process.version, engine: db.engine, server: info.ferretdbVersion ?? info.version };
    versions.autocannon = require('autocannon/package.json').version;
    versions.driver = require('mongodb/package.json').version;
    const at = new Date().toISOString();
    const file = join(ROOT, 'bench/results', `rewards-${at.replace(/[:.]/g, '-')}.json`);
    const result = {
      benchmark: 'rewards',
      at,
      ...SETTINGS,
      versions,
      hub: hubRun,
      raw,
      rawWithRecords,
      ratios,
      invariants,
      file,
    };
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

run(main);
