// Helpers shared by the benchmark scripts (process control, CPU accounting, env settings).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';

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
