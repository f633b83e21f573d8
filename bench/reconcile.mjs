#!/usr/bin/env node
// How long `reconcile` takes on a program of a given size: it reads the ledger once (one cursor),
// sums it per member in memory, compares every wallet, and settles the few that drifted.
//
// Usage, from the repository root once api/dist is built:
//   node bench/reconcile.mjs                      20,000 members × 12 entries (the leaderboard bench's world)
//   BENCH_MEMBERS=100 BENCH_ENTRIES=180 node bench/reconcile.mjs
//   BENCH_HUB=/path/to/other/checkout node bench/reconcile.mjs   the same world, another build's CLI
// It seeds the world straight through the driver (ledger entries and matching wallets, then
// BENCH_DRIFT wallets knocked off by a few points), runs `api/dist/cli/main.js reconcile` against
// it and reports the wall time and what it fixed (every drifted wallet, nothing else).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, positiveInt } from './lib.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HUB = resolve(process.env.BENCH_HUB ?? ROOT); // whose CLI is measured (another checkout: its "before")
const require = createRequire(import.meta.url);
const { startEmbeddedDatabase } = require(join(ROOT, 'api/dist/database/embedded-database.js'));
const { MongoClient, ObjectId } = require('mongodb');

const MEMBERS = positiveInt('BENCH_MEMBERS', 20_000);
const ENTRIES = positiveInt('BENCH_ENTRIES', 12); // per member, over the last year
const DRIFT = Math.min(MEMBERS, positiveInt('BENCH_DRIFT', 50));
const BATCH = 2_000;

async function seed(db) {
  const now = Date.now();
  const YEAR = 365 * 86_400_000;
  const organizationId = new ObjectId();
  const ledger = db.collection('ledger');
  await ledger.createIndex({ idempotencyKey: 1 }, { unique: true });
  let entries = [];
  let wallets = [];
  const flush = async () => {
    if (entries.length) await ledger.insertMany(entries, { ordered: false });
    if (wallets.length) await db.collection('wallets').insertMany(wallets, { ordered: false });
    entries = [];
    wallets = [];
  };
  for (let m = 0; m < MEMBERS; m++) {
    const userId = new ObjectId();
    let total = 0;
    for (let e = 0; e < ENTRIES; e++) {
      const amount = 5 + ((m * 7 + e * 13) % 95);
      total += amount;
      const occurredAt = new Date(now - ((m * 31 + e * 977) % 360) * 86_400_000 - (e % YEAR));
      entries.push({
        _id: new ObjectId(),
        userId,
        organizationId,
        amount,
        kind: 'earn',
        reason: 'Seeded',
        source: { type: 'purchase.recorded', id: null },
        idempotencyKey: `seed:${m}:${e}`,
        occurredAt,
        createdAt: occurredAt,
      });
    }
    const drift = m < DRIFT ? 3 : 0; // a few wallets that a crash left wrong
    wallets.push({ _id: userId, balance: total + drift, lifetime: total, qualifying: total, updatedAt: new Date() });
    if (entries.length >= BATCH) await flush();
    if (m % 2000 === 0) log(`seeded ${m}/${MEMBERS} members`);
  }
  await flush();
}

function reconcile(uri) {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(HUB, 'api/dist/cli/main.js'), 'reconcile'], {
      // REDIS_URL=none: no Redis for a one-off command (older builds, which had none, do not know the word).
      env: {
        ...process.env,
        MONGODB_URI: uri,
        ...(HUB === ROOT ? { REDIS_URL: 'none' } : {}),
        LOG_LEVEL: 'warn',
        HUB_DATA_DIR: tmp,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) =>
      code === 0
        ? done({ seconds: (performance.now() - started) / 1000, out })
        : fail(new Error(`reconcile exited ${code}`)),
    );
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'hub-reconcile-'));
const database = await startEmbeddedDatabase({ dataDir: join(tmp, 'db'), toolsDir: join(ROOT, '.tools') });
const client = await new MongoClient(`${database.uri}/reconcile_bench`).connect();
try {
  const seedStart = performance.now();
  await seed(client.db());
  const seedSeconds = (performance.now() - seedStart) / 1000;
  log(`seeded ${MEMBERS * ENTRIES} entries in ${seedSeconds.toFixed(1)} s; reconciling with ${HUB}`);
  const run = await reconcile(`${database.uri}/reconcile_bench`);
  const fixed = Number(/fixed (\d+)/.exec(run.out)?.[1] ?? NaN);
  let stillWrong = 0; // every seeded entry is earned, so a right wallet has balance = lifetime
  for await (const wallet of client.db().collection('wallets').find({}))
    if (wallet.balance !== wallet.lifetime) stillWrong++;
  const result = {
    benchmark: 'reconcile',
    at: new Date().toISOString(),
    hub: HUB,
    members: MEMBERS,
    entries: MEMBERS * ENTRIES,
    drifted: DRIFT,
    seconds: Math.round(run.seconds * 10) / 10,
    fixed,
    stillWrong,
    summary: run.out.trim().split('\n').slice(-1)[0],
  };
  const file = join(ROOT, 'bench/results', `reconcile-${result.at.replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(
    `\nreconcile: ${result.entries} ledger entries, ${MEMBERS} wallets (${DRIFT} drifted): ${result.seconds} s, ` +
      `fixed ${fixed}, still wrong after it ${stillWrong}\n` +
      `${result.summary}\nJSON: ${file}\n`,
  );
} finally {
  await client.close();
  await database.stop();
  rmSync(tmp, { recursive: true, force: true });
}
