import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FERRETDB_BUILD, installedFerretDbBuild, installFerretDb } from './ferretdb-installer';
import { findOnPath, freePort, isAlive, portAnswers, readPidFile, stopChild } from './local-server';

export { findOnPath };

export type EmbeddedEngine = 'mongod' | 'ferretdb';

export interface EmbeddedDatabase {
  /** Connection string without a database name; append `/<db>`. */
  uri: string;
  engine: EmbeddedEngine;
  /** False when another process already served this data directory and we only reused it. */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  toolsDir: string;
  log?: (line: string) => void;
}

interface PidFile {
  pid: number;
  port: number;
  engine: EmbeddedEngine;
}

/** The command line for each engine; kept pure so a unit spec can check it. */
export function engineArgs(engine: EmbeddedEngine, dataDir: string, port: number): string[] {
  if (engine === 'mongod') {
    return ['--dbpath', join(dataDir, 'mongod'), '--bind_ip', '127.0.0.1', '--port', String(port), '--quiet'];
  }
  const dir = join(dataDir, 'ferretdb');
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${dir}/`,
    `--state-dir=${dir}`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-', // its metrics listener would clash between two instances on one machine
    '--telemetry=disable',
    '--log-level=warn',
  ];
}

/**
 * The environment each engine runs with. FerretDB is a Go program whose heap turns over fast (every
 * command decodes and re-encodes its documents as JSON); at Go's default (GC at 2× the live heap) its
 * collector took 11 % of its CPU under load. It collects at 5× instead, under a 512 MiB ceiling that
 * makes it collect sooner rather than grow past it. GOGC or GOMEMLIMIT set for the hub win.
 */
export function engineEnv(engine: EmbeddedEngine, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (engine !== 'ferretdb') return env;
  return { ...env, GOGC: env.GOGC ?? '400', GOMEMLIMIT: env.GOMEMLIMIT ?? '512MiB' };
}

/**
 * Starts (or reuses) the database the hub keeps in `dataDir`: a `mongod` from the PATH when
 * there is one, else FerretDB with its SQLite backend, installed on first use.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  const pidPath = join(dataDir, 'embedded-db.json');
  await mkdir(dataDir, { recursive: true });

  const running = readPidFile<PidFile>(pidPath);
  if (running && isAlive(running.pid) && (await portAnswers(running.port))) {
    log(`Reusing the ${running.engine} already serving ${dataDir} (pid ${running.pid}).`);
    return { uri: `mongodb://127.0.0.1:${running.port}`, engine: running.engine, owned: false, stop: async () => {} };
  }

  const mongod = findOnPath('mongod');
  const engine: EmbeddedEngine = mongod ? 'mongod' : 'ferretdb';
  const binary = mongod ?? (await ferretDbBinary(options.toolsDir, log));
  const port = await freePort();
  await mkdir(join(dataDir, engine), { recursive: true });

  const child = spawn(binary, engineArgs(engine, dataDir, port), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: engineEnv(engine, process.env),
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  await waitForPort(port, child, () => output);
  writeFileSync(pidPath, JSON.stringify({ pid: child.pid!, port, engine } satisfies PidFile));
  log(`Started ${engine} on 127.0.0.1:${port} with data in ${dataDir}.`);

  return {
    uri: `mongodb://127.0.0.1:${port}`,
    engine,
    owned: true,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stopChild(child);
      rmSync(pidPath, { force: true });
    },
  };
}

/** The database server the launcher would run without installing anything: a `mongod` or a `ferretdb` on the PATH, or our current FerretDB build in `<toolsDir>/bin`. */
export function findDatabaseServer(toolsDir: string): string | undefined {
  return findOnPath('mongod') ?? findFerretDb(toolsDir);
}

function findFerretDb(toolsDir: string): string | undefined {
  const onPath = findOnPath('ferretdb');
  if (onPath) return onPath;
  const local = join(resolve(toolsDir), 'bin', 'ferretdb');
  return existsSync(local) && installedFerretDbBuild(local) === FERRETDB_BUILD ? local : undefined;
}

/** A FerretDB on the PATH, else ours in `<toolsDir>/bin` — built (or rebuilt, when its build stamp is old) on first use. */
export async function ferretDbBinary(toolsDir: string, log: (line: string) => void): Promise<string> {
  return findFerretDb(toolsDir) ?? installFerretDb(resolve(toolsDir), log);
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`The embedded database exited (${child.exitCode}): ${output().trim()}`);
    if (await portAnswers(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`The embedded database did not listen on port ${port} within 30 s: ${output().trim()}`);
}
