// Helpers shared by the benchmark scripts (process control, the hub process, seeding, CPU
// accounting, latency summaries, env settings).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url); // the api's dist and these packages are CommonJS
const autocannon = require('autocannon');
const jwt = require('jsonwebtoken');
const { ObjectId } = require('mongodb');

/** The hub's first admin in every bench (HUB_ADMIN_EMAIL / HUB_ADMIN_PASSWORD). */
export const ADMIN = { HUB_ADMIN_EMAIL: 'bench-admin@hub.test', HUB_ADMIN_PASSWORD: 'bench-admin-password' };
/** Limits raised so that a run measures the hub, not its rate limiter. */
export const LIMITS = { WRITE_RATE_LIMIT: '100000000', LOGIN_RATE_LIMIT: '1000', REGISTER_RATE_LIMIT: '100000' };

export const log = (line) => console.error(`[bench] ${line}`); // progress on stderr, the report on stdout
export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

export function positiveInt(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

export function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => done(clearTimeout(force)));
    child.kill('SIGTERM');
  });
}

/** CPU seconds a process has used so far (user + system), from /proc; NaN where unavailable. */
export function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in ticks of 1/100 s
  } catch {
    return NaN;
  }
}

/** Current and peak (VmHWM) resident memory of a process in MB, from /proc; null where unavailable. */
export function memoryOf(pid, digits = 1) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const mb = (field) => round(Number(status.match(new RegExp(`${field}:\\s+(\\d+) kB`))?.[1]) / 1024, digits);
    return { rssMB: mb('VmRSS'), peakMB: mb('VmHWM') };
  } catch {
    return null; // no /proc, or the process has gone
  }
}

/** Runs `measure` and adds how many cores each process kept busy meanwhile: who was saturated. */
export async function withCores(pids, measure) {
  const before = Object.values(pids).map(cpuSecondsOf);
  const [self, t0] = [process.cpuUsage(), performance.now()];
  const result = await measure();
  const wall = (performance.now() - t0) / 1000;
  const busy = (seconds) => Math.round((seconds / wall) * 100) / 100;
  const cores = Object.entries(pids).map(([name, pid], i) => [name, busy(cpuSecondsOf(pid) - before[i])]);
  const { user, system } = process.cpuUsage(self);
  return { ...result, cores: Object.fromEntries([...cores, ['bench', busy((user + system) / 1e6)]]) };
}

export const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentiles of latencies in ms (`p50` … for each of `points`) and their count, the same way for every side. */
export function percentiles(samples, points = [50, 95, 99]) {
  const sorted = Float64Array.from(samples).sort();
  const at = (p) => round(sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN);
  return { count: sorted.length, ...Object.fromEntries(points.map((p) => [`p${p}`, at(p)])) };
}

/**
 * A temp directory for the run (`hub-bench-<name>-…`), removed on exit after `onExit` (kill what is
 * ours); exit 130 on SIGINT/SIGTERM, and 1 after `watchdogMs` whatever happens.
 */
export function prepareRun(name, { watchdogMs, onExit = () => {}, watchdogMessage = 'taking too long' }) {
  const tmp = mkdtempSync(join(tmpdir(), name ? `hub-bench-${name}-` : 'hub-bench-'));
  process.once('exit', () => {
    onExit();
    rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
  setTimeout(() => (log(`watchdog: ${watchdogMessage}, stopping`), process.exit(1)), watchdogMs).unref();
  return tmp;
}

/** The embedded FerretDB in `<tmp>/db` (the hub's own launcher) and its server's pid, for its CPU. */
export async function startDatabase(tmp) {
  const { startEmbeddedDatabase } = require(join(ROOT, 'api/dist/database/embedded-database.js'));
  const options = { dataDir: join(tmp, 'db'), toolsDir: join(ROOT, '.tools'), log: (l) => log(`db: ${l}`) };
  const db = await startEmbeddedDatabase(options);
  const pid = JSON.parse(readFileSync(join(tmp, 'db', 'embedded-db.json'), 'utf8')).pid;
  return { db, pid };
}

/** Runs a bench's `main` and exits with its code (1 and the stack on a failure). */
export function run(main) {
  main().then(
    (code) => process.exit(code),
    (error) => (console.error(error?.stack ?? error), process.exit(1)),
  );
}

/** A child process, tracked in `children` (if given) until it exits; `child.output`: the tail of its output. */
export function startProcess(command, args, env, children) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children?.add(child);
  child.once('exit', () => children?.delete(child));
  child.output = '';
  const keep = (chunk) => (child.output = (child.output + chunk).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return child;
}

/**
 * The environment of a hub (or of its CLI): the bench's own, the bench admin, raised limits,
 * LOG_LEVEL=warn, HUB_DEMO=false, then
 * - `mongoUri` (MONGODB_URI) and `dataDir` (HUB_DATA_DIR), where given;
 * - `redis`: left out, REDIS_URL as the bench got it; 'embedded', REDIS_URL unset (the hub's own
 *   redis-server in HUB_DATA_DIR); anything else ('none', a redis:// URL) as REDIS_URL;
 * - `jobs`: false (the default) sets JOBS_INTERVAL_MINUTES=0, no sweep in the middle of a measurement;
 * - `env`: anything else (JWT_SECRET, HUB_CONTENT_DIR, other limits), last.
 */
export function hubEnv({ mongoUri, dataDir, redis, jobs = false, env = {} } = {}) {
  const all = { ...process.env, ...ADMIN, ...LIMITS, LOG_LEVEL: 'warn', HUB_DEMO: 'false' };
  if (mongoUri) all.MONGODB_URI = mongoUri;
  if (dataDir) all.HUB_DATA_DIR = dataDir;
  if (redis === 'embedded') delete all.REDIS_URL;
  else if (redis) all.REDIS_URL = redis;
  if (!jobs) all.JOBS_INTERVAL_MINUTES = '0';
  return Object.assign(all, env);
}

/**
 * The built hub (api/dist/main.js) as its own process (so its RSS and CPU are its own) on 127.0.0.1
 * and a free port, with `hubEnv(options)`; resolves with `{ base, child, port }` once /api/health
 * answers. `nodeArgs`: before the script (--inspect, --cpu-prof); `children`: a Set to track it in.
 */
export async function startHub({ nodeArgs = hubNodeArgs(), timeoutSeconds = 120, children, ...options } = {}) {
  const port = await freePort();
  const env = { ...hubEnv(options), PORT: String(port), HOST: '127.0.0.1' };
  const child = startProcess(process.execPath, [...nodeArgs, join(ROOT, 'api/dist/main.js')], env, children);
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + timeoutSeconds * 1000; Date.now() < deadline; await sleep(250)) {
    if (child.exitCode !== null) throw new Error(`The hub exited with ${child.exitCode}:\n${child.output}`);
    const health = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
    if (health?.ok) return { base, child, port };
  }
  throw new Error(`The hub did not become healthy in ${timeoutSeconds} s:\n${child.output}`);
}

/** BENCH_HUB_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the hubs and nothing else. */
function hubNodeArgs() {
  return (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

/** One request to the hub (a JSON body where given); returns the status and the raw text. */
export async function request(base, method, path, body, headers = {}, timeoutMs = 60_000) {
  const init = { method, signal: AbortSignal.timeout(timeoutMs), headers: { ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(base + path, init);
  return { status: res.status, text: await res.text() };
}

/** A setup step: anything but 2xx stops the benchmark with the hub's answer; JSON parsed, other text as is. */
export async function must(base, method, path, body, headers) {
  const { status, text } = await request(base, method, path, body, headers);
  if (status < 200 || status > 299) throw new Error(`${method} ${path} → ${status}: ${text.slice(0, 300)}`);
  return text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text;
}

export const post = (base, path, body, headers) => must(base, 'POST', path, body, headers);

/** The bench admin's access token. */
export async function adminToken(base) {
  const login = { email: ADMIN.HUB_ADMIN_EMAIL, password: ADMIN.HUB_ADMIN_PASSWORD };
  return (await post(base, '/api/auth/login', login)).accessToken;
}

/**
 * A member's document as registration writes it, for seeding straight into `users` (thousands of
 * argon2 registrations would only measure hashing); `fields` overrides (passwordHash, roles, teamId, _id).
 */
export function userDocument({ email, displayName, organizationId, now = new Date(), ...fields }) {
  return {
    _id: new ObjectId(),
    email,
    passwordHash: 'not-a-login: tokens are minted with the bench secret',
    displayName,
    roles: ['member'],
    organizationId,
    teamId: null,
    locale: 'en',
    timezone: null,
    leaderboardOptIn: true,
    tierKey: 'member',
    tierBelowSince: null,
    referredByCode: null,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}

/** An access token for a user id, signed with the hub's JWT_SECRET as a login would issue it. */
export const memberToken = (id, secret, expiresIn = '4h') =>
  jwt.sign({ sub: typeof id === 'string' ? id : id.toHexString() }, secret, { expiresIn });

/**
 * autocannon with `options` (a 10 s timeout unless given) and one request shape; `onResponse(status,
 * body)` returns whether that answer's latency is a sample (read by the 'response' event autocannon
 * emits right after it). Resolves with the samples and autocannon's result.
 */
export function loadRun(options, { setupRequest, onResponse }) {
  const samples = [];
  let sample = false;
  const request = { ...(setupRequest ? { setupRequest } : {}), onResponse: (...a) => (sample = onResponse(...a)) };
  return new Promise((done, fail) => {
    const instance = autocannon({ timeout: 10, ...options, requests: [request] }, (error, result) =>
      error ? fail(error) : done({ samples, result }),
    );
    instance.on('response', (_client, _status, _bytes, ms) => sample && samples.push(ms));
  });
}

/**
 * `workers` loops, each calling `work(worker, n)` (n: its own count) until `seconds` are up: the
 * latency in ms of each call done in time (like autocannon, which drops what is in flight when time
 * is up, only those count) and the errors.
 */
export async function timedWorkers(workers, seconds, work) {
  const samples = [];
  const failures = { errors: 0, firstError: null };
  const end = performance.now() + seconds * 1000;
  const worker = async (w) => {
    for (let n = 0; performance.now() < end; n++) {
      const t0 = process.hrtime.bigint();
      try {
        await work(w, n);
        if (performance.now() <= end) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch (error) {
        failures.errors++;
        failures.firstError ??= error.message;
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return { samples, failures };
}
