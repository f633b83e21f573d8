import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EmbeddedDatabase } from '../embedded-database';
import { startEmbeddedDatabase } from '../embedded-database';

/**
 * The api unit specs of atomic primitives run against real servers, never mocks: one embedded
 * FerretDB (the engine these primitives must make atomic) and one Debian redis-server (the
 * leases). Each spec file uses a database of its own (see real-database.ts).
 */
export default async function startRealServers(): Promise<void> {
  const database = await startEmbeddedDatabase({
    dataDir: mkdtempSync(join(tmpdir(), 'hub-unit-db-')),
    toolsDir: resolve(__dirname, '..', '..', '..', '..', '.tools'),
  });
  const port = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  process.env.HUB_UNIT_MONGODB_URI = database.uri;
  process.env.HUB_UNIT_REDIS_URL = `redis://127.0.0.1:${port}`;
  (globalThis as Record<string, unknown>).__hubUnitServers = { database, redis };
}

export async function stopRealServers(): Promise<void> {
  const servers = (globalThis as Record<string, unknown>).__hubUnitServers as
    { database: EmbeddedDatabase; redis: ChildProcess } | undefined;
  servers?.redis.kill('SIGTERM');
  await servers?.database.stop();
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      server.close(() => done(address.port));
    });
  });
}
