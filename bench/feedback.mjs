#!/usr/bin/env node
// Feedback campaigns: response ingest (10,000 responses to one campaign) beside the raw mongodb
// driver doing the same inserts, GET …/results p95 at 1,000 and at 10,000 responses, and the CSV
// export of 10,000 rows (time, and the hub's peak RSS growth while it streams).
//
// Usage, from the repository root once api/dist is built:
//   node bench/feedback.mjs            10,000 responses, 50 connections, 10 s per results read
//   node bench/feedback.mjs --quick    2,000 responses (results read at 200 and 2,000), 5 s reads
//   BENCH_RESPONSES=20000 BENCH_CONNECTIONS=100 node bench/feedback.mjs
// It starts its own FerretDB and hub on 127.0.0.1 in a temp directory and removes both when done.
// The report goes to stdout and to bench/results/feedback-<timestamp>.json. Exit code 0 when every
// part ran cleanly, 2 when a part saw non-2xx answers, 1 on a failure.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { adminToken, log, memberToken, memoryOf, percentiles, positiveInt, post, prepareRun } from './lib.mjs';
import { ROOT, round, run, startDatabase, startHub, stopProcess, userDocument, withCores } from './lib.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const { MongoClient, ObjectId } = require('mongodb');

const QUICK = process.argv.includes('--quick');
const RESPONSES = positiveInt('BENCH_RESPONSES', QUICK ? 2_000 : 10_000);
const FIRST = Math.round(RESPONSES / 10); // results are read here and at the end
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 50);
const READ_SECONDS = positiveInt('BENCH_READ_SECONDS', QUICK ? 5 : 10);
const READ_CONNECTIONS = 10;
const JWT_SECRET = 'bench-only-secret-bench-only-secret-0123';
const QUESTIONS = [
  { id: 'nps', type: 'nps', prompt: 'How likely are you to recommend us?', required: true },
  { id: 'ease', type: 'rating', prompt: 'How easy was it?', required: true },
  { id: 'pick', type: 'single', prompt: 'Which part helps most?', options: ['Learn', 'Events', 'Rewards'] },
  { id: 'why', type: 'text', prompt: 'Why?' },
];
const answersOf = (n) => ({
  nps: n % 11,
  ease: 1 + (n % 5),
  pick: ['Learn', 'Events', 'Rewards'][n % 3],
  ...(n % 4 === 0 ? { why: `=Response ${n}, with "quotes" and ünïcödé` } : {}),
});

/** Resets a process's peak RSS (VmHWM, clear_refs 5) before a measurement; false where it cannot. */
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** autocannon POSTing `count` responses, each from the next member. */
function ingest(base, campaignId, tokens, from, count) {
  let next = from;
  const end = from + count;
  const statuses = {};
  return new Promise((done, fail) => {
    const started = performance.now();
    const instance = autocannon(
      {
        url: `${base}/api/campaigns/${campaignId}/responses`,
        method: 'POST',
        connections: CONNECTIONS,
        amount: count,
        timeout: 30,
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (req) => {
              const n = next++ % end;
              return {
                ...req,
                headers: { ...req.headers, authorization: `Bearer ${tokens[n]}` },
                body: JSON.stringify({ answers: answersOf(n) }),
              };
            },
            onResponse: (status) => (statuses[status] = (statuses[status] ?? 0) + 1),
          },
        ],
      },
      (error, result) => {
        if (error) return fail(error);
        const seconds = (performance.now() - started) / 1000;
        const ok = statuses[201] ?? 0;
        done({
          responses: ok,
          seconds: round(seconds),
          perSec: round(ok / seconds),
          statuses,
          p95: result.latency.p97_5,
        });
      },
    );
    void instance;
  });
}

/** GET …/results with one token for READ_SECONDS: latency percentiles over the 2xx answers. */
function readResults(base, campaignId, token) {
  const samples = [];
  let bad = 0;
  let ok = true;
  return new Promise((done, fail) => {
    const instance = autocannon(
      {
        url: `${base}/api/campaigns/${campaignId}/results`,
        connections: READ_CONNECTIONS,
        duration: READ_SECONDS,
        headers: { authorization: `Bearer ${token}` },
        requests: [{ onResponse: (status) => ((ok = status === 200), ok || bad++) }],
      },
      (error, result) =>
        error
          ? fail(error)
          : done({ ...percentiles(samples), non2xx: bad, errors: result.errors, timeouts: result.timeouts }),
    );
    instance.on('response', (_c, _s, _b, ms) => ok && samples.push(ms));
  });
}

/**
 * The writes one response minimally makes, CONNECTIONS workers: the once-only marker and the answers;
 * the campaign's tally moved with `$inc`; and its incentive, paid as the hub stores an award (the
 * ledger insert carrying the activity, the wallet `$inc`). What the hub adds on top — the in-flight
 * record that lets a crash be finished, the breakdown tallies, validation, the engine's rules, caps,
 * badges and notifications — is the overhead the ratio measures. Each worker
 * owns its members, and the tally is one document per worker (FerretDB's `$inc` is not atomic; the
 * hub serializes writes to a document for that reason).
 */
async function raw(db, members, campaignId) {
  const names = ['participants', 'responses', 'tallies', 'ledger', 'wallets'];
  const [participants, responses, tallies, ledger, wallets] = names.map((n) => db.collection(n));
  await responses.createIndex({ campaignId: 1, _id: 1 });
  await ledger.createIndex({ idempotencyKey: 1 }, { unique: true });
  let next = 0;
  const started = performance.now();
  const worker = async (w) => {
    for (let n = next++; n < members.length; n = next++) {
      const id = `${campaignId}:${members[n]}`;
      const userId = members[n];
      const at = new Date();
      await participants.insertOne({ _id: id, campaignId, userId });
      await responses.insertOne({ campaignId, userId, answers: answersOf(n), submittedAt: at });
      await tallies.updateOne({ _id: `${campaignId}|${w}` }, { $inc: { responses: 1 } }, { upsert: true });
      const idempotencyKey = `campaign:${id}`;
      const source = { type: 'feedback.submitted', id: null };
      await ledger.insertOne({
        userId,
        amount: 30,
        kind: 'earn',
        reason: 'Feedback',
        source,
        idempotencyKey,
        activity: { value: 30, metadata: {}, reason: null, reportedBy: { kind: 'feature', id: null } },
        createdAt: at,
      });
      await wallets.updateOne(
        { _id: userId },
        { $inc: { balance: 30, lifetime: 30, qualifying: 30 } },
        { upsert: true },
      );
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w)));
  const seconds = (performance.now() - started) / 1000;
  return { responses: members.length, seconds: round(seconds), perSec: round(members.length / seconds) };
}

/** Streams the CSV export, counting rows, while sampling the hub's RSS every 20 ms. */
async function exportCsv(base, campaignId, token, pid) {
  const before = memoryOf(pid, 2);
  const peakReset = resetPeak(pid);
  let maxSampled = before.rssMB;
  const sampler = setInterval(() => (maxSampled = Math.max(maxSampled, memoryOf(pid, 2).rssMB)), 20);
  const started = performance.now();
  const res = await fetch(`${base}/api/campaigns/${campaignId}/results.csv`, {
    headers: { authorization: `Bearer ${token}` },
  });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const after = memoryOf(pid, 2);
  const peak = Math.max(maxSampled, peakReset ? after.peakMB : 0);
  return {
    status: res.status,
    seconds: round(seconds),
    megabytes: round(bytes / 1024 / 1024),
    lines, // header + rows + line breaks inside quoted text answers
    rssBeforeMB: before.rssMB,
    rssPeakMB: round(peak),
    rssGrowthMB: round(peak - before.rssMB),
    peakFrom: peakReset ? 'VmHWM after clear_refs, and 20 ms samples' : '20 ms samples',
  };
}

async function main() {
  let db, hub, client, ferretdb;
  const tmp = prepareRun('feedback', { watchdogMs: 40 * 60_000, onExit: () => hub?.child.kill('SIGKILL') });
  try {
    ({ db, pid: ferretdb } = await startDatabase(tmp));
    client = await new MongoClient(db.uri, { maxPoolSize: CONNECTIONS }).connect();
    const info = await client.db().admin().command({ buildInfo: 1 });
    hub = await startHub({ mongoUri: `${db.uri}/hub_bench`, dataDir: join(tmp, 'hub'), env: { JWT_SECRET } });
    log(`hub up at ${hub.base} (pid ${hub.child.pid})`);
    const token = await adminToken(hub.base);
    const admin = { authorization: `Bearer ${token}` };
    const organization = await post(hub.base, '/api/organizations', { name: 'Bench org', timezone: 'UTC' }, admin);

    log(`seeding ${RESPONSES} members through the driver`);
    const users = client.db('hub_bench').collection('users');
    const orgId = new ObjectId(organization.id);
    const members = Array.from({ length: RESPONSES }, () => new ObjectId());
    for (let i = 0; i < members.length; i += 1000) {
      const now = new Date();
      await users.insertMany(
        members.slice(i, i + 1000).map((_id, j) =>
          userDocument({
            _id,
            email: `member${i + j}@bench.test`,
            passwordHash: 'not-a-login',
            displayName: `Member ${i + j}`,
            organizationId: orgId,
            now,
          }),
        ),
      );
    }
    const tokens = members.map((id) => memberToken(id, JWT_SECRET, 7200));
    const now = Date.now();
    const campaign = await post(
      hub.base,
      '/api/campaigns',
      {
        title: 'Bench pulse',
        questions: QUESTIONS,
        incentivePoints: 10,
        opensAt: new Date(now - 3_600_000).toISOString(),
        closesAt: new Date(now + 7 * 86_400_000).toISOString(),
        audience: { organizationIds: [organization.id] },
      },
      admin,
    );

    const pids = { hub: hub.child.pid, ferretdb };
    log(`ingest: ${FIRST} responses, ${CONNECTIONS} connections`);
    const first = await withCores(pids, () => ingest(hub.base, campaign.id, tokens, 0, FIRST));
    log(`results at ${FIRST}: ${READ_SECONDS} s`);
    const readFirst = await readResults(hub.base, campaign.id, token);
    log(`ingest: ${RESPONSES - FIRST} more`);
    const rest = await withCores(pids, () => ingest(hub.base, campaign.id, tokens, FIRST, RESPONSES - FIRST));
    log(`results at ${RESPONSES}: ${READ_SECONDS} s`);
    const readAll = await readResults(hub.base, campaign.id, token);
    const check = await (await fetch(`${hub.base}/api/campaigns/${campaign.id}/results`, { headers: admin })).json();
    log('CSV export');
    const csv = await exportCsv(hub.base, campaign.id, token, hub.child.pid);

    log('raw driver: the minimal writes of a response (marker, answers, tally, incentive)');
    const rawMembers = Array.from({ length: RESPONSES }, () => new ObjectId());
    const rawRun = await withCores({ ferretdb }, () => raw(client.db('raw_bench'), rawMembers, new ObjectId()));

    const hubResponses = first.responses + rest.responses;
    const hubSeconds = first.seconds + rest.seconds;
    const hubRun = { responses: hubResponses, seconds: round(hubSeconds), perSec: round(hubResponses / hubSeconds) };
    const at = new Date().toISOString();
    const result = {
      benchmark: 'feedback',
      at,
      settings: {
        responses: RESPONSES,
        first: FIRST,
        connections: CONNECTIONS,
        readSeconds: READ_SECONDS,
        readConnections: READ_CONNECTIONS,
      },
      versions: { node: process.version, engine: db.engine, server: info.ferretdbVersion ?? info.version },
      ingest: { hub: hubRun, phases: [first, rest], raw: rawRun, ratio: round(hubRun.perSec / rawRun.perSec) },
      results: {
        [`at${FIRST}`]: readFirst,
        [`at${RESPONSES}`]: readAll,
        countedByTallies: check.responses,
        nps: check.nps,
      },
      csv,
      file: join(ROOT, 'bench/results', `feedback-${at.replace(/[:.]/g, '-')}.json`),
    };
    mkdirSync(dirname(result.file), { recursive: true });
    writeFileSync(result.file, JSON.stringify(result, null, 2) + '\n');
    report(result);
    const clean =
      hubResponses === RESPONSES &&
      check.responses === RESPONSES &&
      !readFirst.non2xx &&
      !readAll.non2xx &&
      readFirst.count > 0 &&
      readAll.count > 0 &&
      !readFirst.errors &&
      !readAll.errors &&
      csv.status === 200;
    return clean ? 0 : 2;
  } finally {
    await stopProcess(hub?.child);
    await client?.close();
    await db?.stop();
  }
}

function report(r) {
  const { hub, raw: rawRun, ratio, phases } = r.ingest;
  const lines = [
    `\nFeedback campaigns, ${r.settings.responses} responses to one campaign, ${r.settings.connections} connections; node ${r.versions.node}, ${r.versions.engine} ${r.versions.server}`,
    '',
    `ingest  hub POST …/responses   ${hub.perSec} responses/s (${hub.responses} in ${hub.seconds} s; statuses ${JSON.stringify(phases.map((p) => p.statuses))})`,
    `        raw driver, same minimal writes ${rawRun.perSec} responses/s (${rawRun.responses} in ${rawRun.seconds} s)`,
    `        hub/raw ${ratio}x (target ≥ 0.5); cores busy: ${JSON.stringify(phases.map((p) => p.cores))}, raw ${JSON.stringify(rawRun.cores)}`,
    '',
    `results GET …/results at ${r.settings.first}: p50 ${r.results[`at${r.settings.first}`].p50} ms, p95 ${r.results[`at${r.settings.first}`].p95} ms (${r.results[`at${r.settings.first}`].count} reads, ${r.results[`at${r.settings.first}`].errors} errors, ${r.results[`at${r.settings.first}`].timeouts} timeouts)`,
    `        GET …/results at ${r.settings.responses}: p50 ${r.results[`at${r.settings.responses}`].p50} ms, p95 ${r.results[`at${r.settings.responses}`].p95} ms (${r.results[`at${r.settings.responses}`].count} reads, ${r.results[`at${r.settings.responses}`].errors} errors, ${r.results[`at${r.settings.responses}`].timeouts} timeouts)`,
    `        tallies count ${r.results.countedByTallies} responses, NPS ${JSON.stringify(r.results.nps)}`,
    '',
    `export  GET …/results.csv: ${r.csv.seconds} s, ${r.csv.megabytes} MB, ${r.csv.lines} lines; hub RSS ${r.csv.rssBeforeMB} → peak ${r.csv.rssPeakMB} MB, growth ${r.csv.rssGrowthMB} MB (target ≤ 50)`,
    `\n${r.file}`,
  ];
  console.log(lines.join('\n'));
}

run(main);
