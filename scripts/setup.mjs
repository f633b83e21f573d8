// What `npm start` and `npm test` need on a fresh machine, installed or built when missing or stale.
// One module for both commands, so that they cannot drift: scripts/start.mjs and scripts/test.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS = join(ROOT, '.tools');
const CHROMIUM = '/usr/bin/chromium'; // test/playwright.config.ts launches this one, never a downloaded browser
const STAMPS = join(ROOT, 'node_modules', '.cache', 'hub-build'); // wiped by npm ci, which then rebuilds

/** A machine-level lack the user must fix (or let root fix): one line, non-zero exit. */
export class SetupError extends Error {}

/** Runs a shell command in the repository with its output shown; true when it exits 0. */
export function run(command, env = process.env) {
  console.log(`> ${command}`);
  return spawnSync(command, { shell: true, stdio: 'inherit', cwd: ROOT, env }).status === 0;
}

function onPath(name) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, name)));
}

/** Written by the client build into its own sources (`gen:api`): an output, not an input. */
const GENERATED = new Set([join(ROOT, 'client/src/lib/api/schema.d.ts')]);

/**
 * Newest modification time of the files below `path` (0 when missing). Files only: a directory's
 * own time moves when the build creates a generated file in it; a deleted source changes its importer.
 */
function newest(path) {
  if (!existsSync(path) || GENERATED.has(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

/**
 * What each command needs. `npm test` always runs the embedded database, Chromium and Redis (the
 * browser suite's hub starts its embedded redis-server, the API suites start one of their own).
 * `npm start` needs the embedded database without MONGODB_URI and redis-server without REDIS_URL.
 */
function needs(purpose) {
  const env = process.env;
  if (purpose === 'test') return { chromium: true, redis: true, database: true };
  return { chromium: false, redis: !env.REDIS_URL, database: !env.MONGODB_URI };
}

/** Debian packages: installed with apt-get as root (like `playwright install --with-deps`), else one line. */
function systemPackages(purpose, need) {
  const missing = [];
  if (need.chromium && !existsSync(CHROMIUM)) missing.push(['chromium', `the browser tests run in ${CHROMIUM}`]);
  if (need.redis && !onPath('redis-server'))
    missing.push(['redis-server', 'the hub runs its own redis-server for leaderboards, live updates and rate limits']);
  if (missing.length === 0) return 'present';
  const names = missing.map(([name]) => name).join(' ');
  const why = missing.map(([name, reason]) => `${name}: ${reason}`).join('; ');
  if (process.getuid?.() !== 0 || !onPath('apt-get')) {
    throw new SetupError(
      `npm ${purpose} needs Debian's ${names} (${why}); install with \`sudo apt-get install -y ${names}\` and run it again.`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!run('apt-get update', env) || !run(`apt-get install -y ${names}`, env))
    throw new Error(`apt-get install ${names} failed`);
  return `installed ${names}`;
}

/** `npm ci` when node_modules is missing or older than the lock file. */
function dependencies() {
  const installed = join(ROOT, 'node_modules', '.package-lock.json'); // written by npm at the end of an install
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(installed) && mtime(installed) >= mtime(lock)) return 'up to date';
  if (!run('npm ci --no-audit --no-fund')) throw new Error('npm ci failed');
  return existsSync(installed) ? 'installed (npm ci)' : 'installed';
}

/**
 * Each build runs when one of its inputs is newer than the stamp written after its last
 * successful run (tsc emits even on type errors, so the output's own age cannot tell).
 */
const BUILDS = [
  {
    name: 'api',
    command: 'npm run build -w api',
    output: 'api/dist/main.js',
    inputs: ['api/src', 'api/tsconfig.json', 'api/tsconfig.build.json', 'api/package.json'],
  },
  {
    name: 'client',
    command: 'npm run build -w client',
    output: 'client/build/index.html',
    inputs: [
      'client/src',
      'client/static',
      'client/svelte.config.js',
      'client/vite.config.ts',
      'client/tsconfig.json',
      'client/package.json',
      'api/openapi.json', // the client's API types are generated from it
    ],
  },
];
const SHARED_INPUTS = ['tsconfig.json', 'package-lock.json'];

function build({ name, command, output, inputs }) {
  const stamp = join(STAMPS, name);
  const sources = Math.max(...[...inputs, ...SHARED_INPUTS].map((path) => newest(join(ROOT, path))));
  if (existsSync(join(ROOT, output)) && existsSync(stamp) && sources <= mtime(stamp)) return 'up to date';
  const started = new Date();
  if (!run(command)) throw new Error(`${command} failed`);
  mkdirSync(STAMPS, { recursive: true });
  writeFileSync(stamp, `${command}\n`);
  utimesSync(stamp, started, started); // a source saved during the build is newer: built again next time
  return 'built';
}

/**
 * The embedded database server: a mongod or ferretdb on the PATH, or our FerretDB build in
 * .tools/bin; otherwise FerretDB is built with the installer in api/src/database (needs Go).
 */
async function database(purpose) {
  const require = createRequire(import.meta.url);
  const { findDatabaseServer, ferretDbBinary } = require(join(ROOT, 'api/dist/database/embedded-database.js'));
  const { FERRETDB_BUILD } = require(join(ROOT, 'api/dist/database/ferretdb-installer.js'));
  const found = findDatabaseServer(TOOLS);
  if (found) return `present (${found.startsWith(ROOT) ? relative(ROOT, found) : found})`;
  if (!onPath('go')) {
    const instead = purpose === 'start' ? ', or set MONGODB_URI to a MongoDB of yours' : '';
    throw new SetupError(
      `npm ${purpose} needs the embedded database: no mongod, and FerretDB ${FERRETDB_BUILD} is not built yet; it is built from source with Go 1.24 or later, which is not on the PATH: install Go (https://go.dev/dl/)${instead} and run it again.`,
    );
  }
  await ferretDbBinary(TOOLS, (line) => console.log(line));
  return `built FerretDB ${FERRETDB_BUILD} into .tools/bin`;
}

/**
 * Installs and builds what `npm <purpose>` needs ('start' or 'test'), in order, and returns each
 * step with what it did and how long it took. Throws SetupError (one line for the user) when the
 * machine lacks something only its owner can install, and Error when a step fails.
 */
export async function setUp(purpose, steps = []) {
  const need = needs(purpose);
  const step = async (name, work) => {
    const started = Date.now();
    const entry = { name, ok: false, note: '', seconds: '0.0' };
    steps.push(entry);
    try {
      entry.note = await work();
      entry.ok = true;
    } catch (error) {
      entry.note = 'failed';
      throw error;
    } finally {
      entry.seconds = ((Date.now() - started) / 1000).toFixed(1);
    }
    console.log(`━━ set-up: ${name}: ${entry.note} (${entry.seconds} s)`);
  };
  await step('system packages', () => systemPackages(purpose, need));
  await step('node_modules', dependencies);
  for (const target of BUILDS) await step(`build ${target.name}`, () => build(target));
  if (need.database) await step('embedded database', () => database(purpose));
  return steps;
}
