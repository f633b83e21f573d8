import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { JWT_SECRET } from '../utils/global-setup';
import { startHub, stopProcess, tempDir } from '../utils/hub-process';
import { hubTarget } from '../utils/hub';

/** Parent pid and command line of every process, from /proc. */
function processes(): Array<{ pid: number; ppid: number; command: string }> {
  const found = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      found.push({ pid: Number(entry), ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), command });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const alive = (pid: number) => processes().some((p) => p.pid === pid);
const redisServersOf = (parents: number[]) =>
  processes().filter((p) => parents.includes(p.ppid) && /(^|\/)redis-server /.test(p.command));

/**
 * The hub's default Redis (REDIS_URL unset): a redis-server of its own with its files in
 * HUB_DATA_DIR, found again through a pid file by a second hub (or the CLI) on the same data
 * directory, and stopped with the hub that started it.
 */
describe('embedded redis-server', () => {
  const dataDir = tempDir('hub-embedded-redis-');
  const pidFile = join(dataDir, 'embedded-redis.json');
  const hubs: ChildProcess[] = [];
  const env = {
    HUB_DATA_DIR: dataDir,
    MONGODB_URI: hubTarget('mongo').mongoUri.replace(/\/[^/]+$/, '/hub_e2e_embedded_redis'),
    JWT_SECRET,
    REDIS_URL: '', // unset: the default
    JOBS_INTERVAL_MINUTES: '0',
  };
  const start = async () => {
    const hub = await startHub(env);
    hubs.push(hub.process);
    return hub;
  };
  const recorded = () => JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number; port: number };
  const keysIn = async (port: number) => {
    const redis = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    try {
      return await redis.dbsize();
    } finally {
      redis.disconnect();
    }
  };
  // A failed login still counts against the login limit, whose counter lives in the hub's Redis.
  const failedLogin = (url: string) =>
    fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `nobody-${Date.now()}@hub.test`, password: 'not-the-password' }),
    });

  afterAll(async () => {
    await Promise.all(hubs.map(stopProcess));
    if (existsSync(pidFile)) process.kill(recorded().pid, 'SIGTERM');
  });

  it('two hubs started at once on one data directory share one redis-server; the one that started it stops it on SIGTERM', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    const servers = redisServersOf([a.process.pid!, b.process.pid!]);
    expect(servers).toHaveLength(1);
    const { pid, port } = recorded();
    expect(servers[0].pid).toBe(pid);
    expect(servers[0].command).toContain(`127.0.0.1:${port}`);

    const [owner, other] = servers[0].ppid === a.process.pid ? [a, b] : [b, a];
    const before = await keysIn(port);
    expect((await failedLogin(other.url)).status).toBe(401);
    expect(await keysIn(port)).toBeGreaterThan(before); // the hub that reused it uses it

    await stopProcess(other.process);
    expect(other.process.exitCode).toBe(0);
    expect(alive(pid)).toBe(true); // not the other hub's to stop
    expect((await failedLogin(owner.url)).status).toBe(401);

    await stopProcess(owner.process);
    expect(owner.process.exitCode).toBe(0);
    expect(alive(pid)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
    expect(existsSync(join(dataDir, 'redis', 'appendonlydir'))).toBe(true);
  }, 180_000);

  it('a later start runs a new redis-server on the same append-only file', async () => {
    const hub = await start();
    const { pid, port } = recorded();
    expect(redisServersOf([hub.process.pid!]).map((p) => p.pid)).toEqual([pid]);
    expect(await keysIn(port)).toBeGreaterThan(0); // the login counters written before the restart
    await stopProcess(hub.process);
    expect(alive(pid)).toBe(false);
  }, 120_000);
});
