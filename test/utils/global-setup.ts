import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, REPO_ROOT, startHub, tempDir } from './hub-process';

export const ADMIN = { email: 'e2e-admin@hub.test', password: 'e2e-admin-password' };
/** Known to the tests so they can mint tokens the hub must refuse (expired ones). */
export const JWT_SECRET = 'e2e-only-secret-e2e-only-secret-e2e';

export interface HubTarget {
  url: string;
  mongoUri: string;
  redisUrl?: string;
  admin: { token: string; id: string; email: string };
}

/** Debian's redis-server on a free loopback port, without persistence. */
async function startRedis(): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tempDir('hub-redis-')],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  const { default: Redis } = await import('ioredis');
  for (let attempt = 0; attempt < 100; attempt++) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined); // refused until the server listens; the loop retries
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return { url, process: child };
    } catch {
      client.disconnect();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('redis-server did not start');
}

async function adminSession(url: string): Promise<HubTarget['admin']> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const body = (await response.json()) as { accessToken: string; user: { id: string } };
  return { token: body.accessToken, id: body.user.id, email: ADMIN.email };
}

/**
 * The hubs the API suites talk to, all built from `api/dist` and on one embedded FerretDB
 * (started by the hub's own launcher): `mongo`, a MongoDB-only hub (REDIS_URL=none: bucket
 * leaderboards, in-memory push gate, per-process rate limits), which most suites use, and
 * `redisA`/`redisB`, two instances sharing one explicit redis-server (sorted-set leaderboards,
 * socket.io fan-out, shared push gate and limits) and their own database; `mongoB` is a second
 * instance of `mongo` on the same database. The hub's default, an
 * embedded redis-server in HUB_DATA_DIR, is what the browser suite runs on (and
 * embedded-redis.e2e-spec.ts checks its reuse and stop).
 *
 * Write isolation (AtomicWrites): the `mongo` pair relies on our FerretDB build's serialized
 * writes, as the hub does by default; the `redis` pair is made to take leases in Redis, and
 * `leaseDocA`/`leaseDocB` (no Redis, a database of their own) lease documents, as they would on a
 * stock FerretDB — so every path is run end to end.
 */
export default async function globalSetup(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startEmbeddedDatabase } = require(join(REPO_ROOT, 'api', 'dist', 'database', 'embedded-database.js'));
  const dataDir = tempDir('hub-e2e-');
  const database = await startEmbeddedDatabase({ dataDir, toolsDir: join(REPO_ROOT, '.tools'), log: console.log });
  const redis = await startRedis();
  const common = {
    HUB_DATA_DIR: dataDir,
    JWT_SECRET,
    HUB_ADMIN_EMAIL: ADMIN.email,
    HUB_ADMIN_PASSWORD: ADMIN.password,
    LOGIN_RATE_LIMIT: '8',
    REGISTER_RATE_LIMIT: '1000',
    WRITE_RATE_LIMIT: '100000',
    JOBS_INTERVAL_MINUTES: '0', // sweeps run when a test asks (POST /api/admin/jobs/:name)
  };
  const mongoUri = `${database.uri}/hub_e2e`;
  const redisMongoUri = `${database.uri}/hub_e2e_redis`;
  const leaseDocUri = `${database.uri}/hub_e2e_lease_documents`;
  const leased = { HUB_WRITE_ISOLATION: 'leased' };
  const [main, redisA, leaseDocA] = await Promise.all([
    startHub({ ...common, MONGODB_URI: mongoUri, REDIS_URL: 'none' }),
    startHub({ ...common, ...leased, MONGODB_URI: redisMongoUri, REDIS_URL: redis.url }),
    startHub({ ...common, ...leased, MONGODB_URI: leaseDocUri, REDIS_URL: 'none' }),
  ]);
  // A second instance of each: two processes on one database must stay exact (serialized writes
  // for the mongo pair, leases in Redis for the redis pair, lease documents for the last).
  const [redisB, mainB, leaseDocB] = await Promise.all([
    startHub({ ...common, ...leased, MONGODB_URI: redisMongoUri, REDIS_URL: redis.url }),
    startHub({ ...common, MONGODB_URI: mongoUri, REDIS_URL: 'none' }),
    startHub({ ...common, ...leased, MONGODB_URI: leaseDocUri, REDIS_URL: 'none' }),
  ]);

  // One admin session per database: logins are rate-limited per address and email (8 a minute
  // here, which a test checks), and there are more suites than that.
  const hubs: Record<string, HubTarget> = {
    mongo: { url: main.url, mongoUri, admin: await adminSession(main.url) },
    redisA: { url: redisA.url, mongoUri: redisMongoUri, redisUrl: redis.url, admin: await adminSession(redisA.url) },
  };
  hubs.redisB = { ...hubs.redisA, url: redisB.url };
  hubs.mongoB = { ...hubs.mongo, url: mainB.url };
  hubs.leaseDocA = { url: leaseDocA.url, mongoUri: leaseDocUri, admin: await adminSession(leaseDocA.url) };
  hubs.leaseDocB = { ...hubs.leaseDocA, url: leaseDocB.url };
  process.env.HUB_E2E_HUBS = JSON.stringify(hubs);
  process.env.HUB_E2E_URL = main.url;
  process.env.HUB_E2E_MONGODB_URI = mongoUri;
  (globalThis as Record<string, unknown>).__hubE2E = {
    database,
    processes: [main.process, mainB.process, redisA.process, redisB.process, leaseDocA.process, leaseDocB.process],
    redis: redis.process,
  };
}
