import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';
/** What we build: the release plus our PATCHES. A different stamp rebuilds. */
export const FERRETDB_BUILD = `${FERRETDB_VERSION}+hub.2`;

interface SourcePatch {
  file: string;
  from: string;
  to: string;
}

/**
 * FerretDB 1.24's SQLite backend creates the `_id` index on `_ferretdb_sjson->"_id"` but looks
 * `_id` up (find, update, delete) with `_ferretdb_sjson->'$._id'`. Both give the same value, yet
 * SQLite only uses an index for the expression it was built on, so every `_id` look-up, update
 * and delete scanned the whole table (measured on 40,000 ledger entries: 269 ms per findOne by
 * `_id`; EXPLAIN QUERY PLAN: `SCAN` instead of `SEARCH … USING INDEX`). Upstream has the same
 * class of bug reported for PostgreSQL (FerretDB issue #4646). The patch makes the look-up use
 * the index's own expression; results are unchanged, only the plan.
 */
const ID_LOOKUP_PATCH: SourcePatch = {
  file: join('internal', 'backends', 'sqlite', 'metadata', 'metadata.go'),
  from: `IDColumn = DefaultColumn + "->'$._id'"`,
  to: 'IDColumn = DefaultColumn + `->"_id"`',
};

/**
 * The SQLite backend narrows a query to one row by `_id` only when the filter is `{_id}` alone;
 * `{_id, balance: {$gte: 5}}` scans the table (and so does every conditional update the hub
 * makes). Every handler (find, count, update, delete, findAndModify) filters the rows it gets
 * with the whole filter again in Go, so narrowing by a top-level `_id` equality whatever else the
 * filter says returns the same documents: a conditional update of one document becomes one index
 * look-up plus the check, in one round trip (AtomicWrites relies on it).
 */
const ID_WITH_CONDITIONS_PATCH: SourcePatch = {
  file: join('internal', 'backends', 'sqlite', 'collection.go'),
  from: 'if params.Filter.Len() == 1 {',
  to: 'if params.Filter.Len() >= 1 {',
};

const PATCHES = [ID_LOOKUP_PATCH, ID_WITH_CONDITIONS_PATCH];

/** The stamp written beside the binary when we built it, or null. */
export function installedFerretDbBuild(binary: string): string | null {
  try {
    return readFileSync(`${binary}.build`, 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * Installs FerretDB into `<toolsDir>/bin/ferretdb` and returns the binary's path.
 *
 * Why not a plain `go install …@v1.24.2`: the published module lacks `build/version/version.txt`
 * (FerretDB generates it at release time), so a binary built straight from the module cache
 * panics at start-up; and the Go proxy reachable here refuses the `@v/list` look-up that
 * `go install pkg@version` makes. So we do what FerretDB's own `task gen-version build` does:
 * fetch the exact version's source, write version.txt, and `go build` it.
 */
export async function installFerretDb(toolsDir: string, log: (line: string) => void): Promise<string> {
  const binDir = join(toolsDir, 'bin');
  const binary = join(binDir, 'ferretdb');
  const sourceDir = join(toolsDir, 'src', `ferretdb-${FERRETDB_VERSION}`);
  await mkdir(binDir, { recursive: true });

  const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
  try {
    await run('go', ['version'], { env });
  } catch {
    throw new Error('FerretDB is not installed and Go is not on the PATH: install Go, or set MONGODB_URI');
  }

  log(`Installing FerretDB ${FERRETDB_BUILD} into ${binDir} (first run only, about a minute)…`);
  const { stdout } = await run('go', ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
    env,
    cwd: toolsDir,
    maxBuffer: 1 << 20,
  });
  const moduleDir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!moduleDir) throw new Error(`go mod download did not return a directory for FerretDB: ${stdout}`);

  await rm(sourceDir, { recursive: true, force: true });
  await cp(moduleDir, sourceDir, { recursive: true });
  await makeWritable(sourceDir); // the Go module cache is read-only
  await writeFile(join(sourceDir, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
  for (const patch of PATCHES) await applyPatch(sourceDir, patch);
  await run('go', ['build', '-o', binary, './cmd/ferretdb'], { env, cwd: sourceDir, maxBuffer: 16 << 20 });
  await writeFile(`${binary}.build`, `${FERRETDB_BUILD}\n`);
  await rm(sourceDir, { recursive: true, force: true });
  log(`FerretDB ${FERRETDB_BUILD} installed.`);
  return binary;
}

/** Replaces every occurrence of `from` (the query and its EXPLAIN must agree). */
async function applyPatch(sourceDir: string, patch: SourcePatch): Promise<void> {
  const path = join(sourceDir, patch.file);
  const source = await readFile(path, 'utf8');
  if (!source.includes(patch.from)) throw new Error(`Cannot patch FerretDB: ${patch.file} no longer has ${patch.from}`);
  await writeFile(path, source.replaceAll(patch.from, patch.to));
}

async function makeWritable(path: string): Promise<void> {
  const info = await stat(path);
  await chmod(path, info.mode | 0o200);
  if (info.isDirectory()) {
    for (const entry of await readdir(path)) await makeWritable(join(path, entry));
  }
}
