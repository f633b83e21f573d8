import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { findOnPath, freePort, isAlive, readPidFile, stopChild } from './local-server';

export interface EmbeddedRedis {
  /** redis://127.0.0.1:<port>, no password (loopback only). */
  url: string;
  pid: number;
  /** False when another process already served this data directory and we only reused it. */
  owned: boolean;
  /** Stops the server when this process started it; a reused one is left to its owner. */
  stop(): Promise<void>;
}

export interface EmbeddedRedisOptions {
  /** HUB_DATA_DIR: the server keeps its files in `<dataDir>/redis`, its pid file beside. */
  dataDir: string;
  log?: (line: string) => void;
  /** `redis-server` from the PATH when not given. */
  binary?: string;
}

export interface RedisPidFile {
  pid: number;
  port: number;
}

export const REDIS_PID_FILE = 'embedded-redis.json';
const START_LOCK = 'embedded-redis.lock';
const READY_TIMEOUT_MS = 120_000; // loading a large append-only file takes a while; PING says LOADING meanwhile

export const REDIS_MISSING =
  'redis-server is not on the PATH: install it (Debian: apt-get install redis-server; `npm start` and `npm test` do it when run as root), ' +
  'or set REDIS_URL to a Redis of yours, or REDIS_URL=none for MongoDB only';

/**
 * The command line of the embedded server; kept pure so a unit spec can check it. Loopback only,
 * so no password; the append-only file is the persistence (fsync every second), so no RDB
 * snapshots beside it.
 */
export function redisServerArgs(dir: string, port: number): string[] {
  return [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--daemonize',
    'no',
    '--logfile',
    join(dir, 'redis.log'),
    '--loglevel',
    'warning',
  ];
}

export interface ServerProbe {
  isAlive(pid: number): boolean;
  answers(port: number): Promise<boolean>;
}

const realProbe: ServerProbe = { isAlive, answers: (port) => redisAnswers(port) };

/**
 * The server recorded in the pid file when it is still the one serving: its process is alive and
 * its port answers PING. A missing, unreadable or stale file (crash, reboot) gives undefined.
 */
export async function runningRedis(pidPath: string, probe: ServerProbe = realProbe): Promise<RedisPidFile | undefined> {
  const record = readPidFile<RedisPidFile>(pidPath);
  if (!record || !probe.isAlive(record.pid)) return undefined;
  return (await probe.answers(record.port)) ? record : undefined;
}

/**
 * Starts (or reuses) the redis-server the hub keeps in `<dataDir>/redis`, the way
 * startEmbeddedDatabase does for the database: a second start with the same data directory (a
 * second hub, the CLI) finds it through the pid file and uses it; the process that started it
 * stops it. It runs in its own process group, so that Ctrl-C reaches the hub only and the hub stops
 * Redis after its own Redis clients have closed.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  const dir = join(dataDir, 'redis');
  const pidPath = join(dataDir, REDIS_PID_FILE);
  await mkdir(dir, { recursive: true });

  // Two processes starting on one data directory at once must not both start a server on it.
  const release = await takeStartLock(join(dataDir, START_LOCK));
  try {
    const running = await runningRedis(pidPath);
    if (running) {
      log(`Reusing the redis-server already serving ${dir} (pid ${running.pid}).`);
      return { url: `redis://127.0.0.1:${running.port}`, pid: running.pid, owned: false, stop: async () => {} };
    }

    const binary = options.binary ?? findOnPath('redis-server');
    if (!binary) throw new Error(REDIS_MISSING);
    const port = await freePort();
    const child = spawn(binary, redisServerArgs(dir, port), { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    const stopOnExit = () => child.kill('SIGTERM'); // Redis flushes its append-only file on SIGTERM
    process.once('exit', stopOnExit);

    await waitUntilReady(port, child, () => `${output}${logTail(dir)}`);
    writeFileSync(pidPath, JSON.stringify({ pid: child.pid!, port } satisfies RedisPidFile));
    log(`Started redis-server on 127.0.0.1:${port} with its append-only file in ${dir}.`);

    return {
      url: `redis://127.0.0.1:${port}`,
      pid: child.pid!,
      owned: true,
      stop: async () => {
        process.removeListener('exit', stopOnExit);
        await stopChild(child, 10_000);
        // Only our own record: a later server may have been started on this directory since.
        if (readPidFile<RedisPidFile>(pidPath)?.pid === child.pid) rmSync(pidPath, { force: true });
      },
    };
  } finally {
    release();
  }
}

/** Sends PING and resolves true on +PONG (false while Redis is still loading its data, or on no answer). */
export function redisAnswers(port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
    socket.once('error', () => finish(false));
  });
}

async function waitUntilReady(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${output().trim()}`);
    if (await redisAnswers(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(
    `redis-server did not answer on port ${port} within ${READY_TIMEOUT_MS / 1000} s: ${output().trim()}`,
  );
}

function logTail(dir: string): string {
  return readText(join(dir, 'redis.log')).slice(-2000);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * An exclusive lock file holding our pid; a lock whose holder has died is taken over. Returns
 * the release function.
 */
async function takeStartLock(path: string): Promise<() => void> {
  const deadline = Date.now() + READY_TIMEOUT_MS + 10_000;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readText(path) || NaN); // empty while its holder is writing it
    if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) rmSync(path, { force: true });
    else if (Date.now() > deadline) throw new Error(`Another process holds ${path}; remove it if no hub is starting`);
    else await new Promise((r) => setTimeout(r, 100));
  }
}
