import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';
/** What we build: the release plus our PATCHES. A different stamp rebuilds. */
export const FERRETDB_BUILD = `${FERRETDB_VERSION}+hub.6`;

/**
 * Whether a FerretDB reporting `ferretdbVersion` is one of our builds with SERIALIZED_WRITES_PATCH
 * (hub.4 and later): there a single-document conditional update is atomic, as on MongoDB.
 */
export function serializesWrites(ferretdbVersion: string): boolean {
  const build = /\+hub\.(\d+)$/.exec(ferretdbVersion);
  return build !== null && Number(build[1]) >= 4;
}

/**
 * Whether a FerretDB reporting `ferretdbVersion` is one of our builds with PUSH_SLICE_PATCH (hub.6
 * and later): there `$push` with `$each` and `$slice` keeps the last N, as on MongoDB.
 */
export function slicesPushes(ferretdbVersion: string): boolean {
  const build = /\+hub\.(\d+)$/.exec(ferretdbVersion);
  return build !== null && Number(build[1]) >= 6;
}

interface SourcePatch {
  file: string;
  from: string;
  to: string;
}

interface SourceAddition {
  file: string;
  content: string;
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

/**
 * FerretDB 1.24 runs a write command as a read, a change in Go, and a write, with nothing
 * stopping another connection in between (measured on the release: 200 concurrent `$inc` of 1
 * left 18). Our build makes update, findAndModify and delete commands take a lock for what they
 * may touch and hold it for the whole command, so a conditional update of one document is atomic
 * across every client of the server, as MongoDB makes it:
 * - a command whose filters all name an `_id` (every write the hub makes to one document) locks
 *   those documents only (one of 1,024 stripes per collection, by a hash of the `_id`), so writes
 *   to different documents still overlap;
 * - any other write command locks the whole collection.
 * Inserts need nothing: the unique `_id` index decides between two of them.
 */
const SERIALIZED_WRITES_FILE: SourceAddition = {
  file: join('internal', 'handler', 'hub_serialized_writes.go'),
  content: `package handler

// Added by Engagement Hub's build: see SERIALIZED_WRITES_FILE in api/src/database/ferretdb-installer.ts.

import (
	"fmt"
	"hash/fnv"
	"sort"
	"sync"

	"github.com/FerretDB/FerretDB/internal/types"
)

const documentStripes = 1024

type collectionWriteLocks struct {
	whole     sync.RWMutex // held for writing by a command that may touch any document
	documents [documentStripes]sync.Mutex
}

var writeLocks sync.Map // "db.collection" -> *collectionWriteLocks

// lockWrites makes the caller the only writer of what the filters may match until it calls the result.
func lockWrites(db, collection string, filters ...*types.Document) func() {
	v, _ := writeLocks.LoadOrStore(db+"."+collection, new(collectionWriteLocks))
	locks := v.(*collectionWriteLocks)

	stripes := make([]int, 0, len(filters))
	for _, filter := range filters {
		stripe, ok := documentStripe(filter)
		if !ok {
			locks.whole.Lock()
			return locks.whole.Unlock
		}
		stripes = append(stripes, stripe)
	}
	sort.Ints(stripes) // one order for everyone: no two commands wait on each other

	locks.whole.RLock()
	held := make([]int, 0, len(stripes))
	for i, stripe := range stripes {
		if i > 0 && stripe == stripes[i-1] {
			continue
		}
		locks.documents[stripe].Lock()
		held = append(held, stripe)
	}

	return func() {
		for i := len(held) - 1; i >= 0; i-- {
			locks.documents[held[i]].Unlock()
		}
		locks.whole.RUnlock()
	}
}

// documentStripe is the stripe of the one document a filter names by a plain \`_id\` equality.
func documentStripe(filter *types.Document) (int, bool) {
	if filter == nil {
		return 0, false
	}
	id, err := filter.Get("_id")
	if err != nil {
		return 0, false
	}
	switch id.(type) {
	case *types.Document, *types.Array, types.Regex:
		return 0, false
	}
	h := fnv.New32a()
	_, _ = fmt.Fprintf(h, "%T:%v", id, id)
	return int(h.Sum32() % documentStripes), true
}
`,
};
const SERIALIZED_WRITES_PATCH: SourcePatch[] = [
  {
    file: join('internal', 'handler', 'msg_findandmodify.go'),
    from: '\tres, err := h.findAndModifyDocument(connCtx, params)\n',
    to: '\tunlock := lockWrites(params.DB, params.Collection, params.Query)\n\tres, err := h.findAndModifyDocument(connCtx, params)\n\tunlock()\n',
  },
  {
    file: join('internal', 'handler', 'msg_update.go'),
    from: '\tmatched, modified, upserted, err := h.updateDocument(connCtx, params)\n',
    to: [
      '\tfilters := make([]*types.Document, len(params.Updates))',
      '\tfor i := range params.Updates {',
      '\t\tfilters[i] = params.Updates[i].Filter',
      '\t}',
      '\tunlock := lockWrites(params.DB, params.Collection, filters...)',
      '\tmatched, modified, upserted, err := h.updateDocument(connCtx, params)',
      '\tunlock()',
      '',
    ].join('\n'),
  },
  {
    file: join('internal', 'handler', 'msg_delete.go'),
    from: '\t\td, err = h.execDelete(connCtx, c, &p)\n',
    to: '\t\tunlock := lockWrites(params.DB, params.Collection, p.Filter)\n\t\td, err = h.execDelete(connCtx, c, &p)\n\t\tunlock()\n',
  },
];

/**
 * SQLite lets one connection write at a time. FerretDB opens a pool of connections to one
 * database file and lets them race for that lock; a loser waits in SQLite's busy handler, which
 * sleeps 1, 2, 5, 10 … 100 ms between tries whether or not the lock was freed meanwhile. Under
 * load most writes lost at least once, so every write paid sleeps the database was not busy for
 * (measured with 20 writers: p50 44 ms, p95 400 ms for 4 small writes). Our build queues the
 * writers of one database file on a mutex in FerretDB (inserts, updates and deletes are its only
 * transactions and writing statements), so a writer starts the moment the one before commits and
 * never sleeps. Reads do not take it: they read the WAL snapshot beside the writer, as before.
 */
const QUEUED_WRITERS_PATCH: SourcePatch[] = [
  {
    file: join('internal', 'util', 'fsql', 'db.go'),
    from: '\t"log/slog"\n',
    to: '\t"log/slog"\n\t"sync"\n',
  },
  {
    file: join('internal', 'util', 'fsql', 'db.go'),
    from: '\tBatchSize int\n}',
    to: '\tBatchSize int\n\n\t// writers: one writing statement or transaction at a time (SQLite has one write lock per file).\n\twriters sync.Mutex\n}',
  },
  {
    file: join('internal', 'util', 'fsql', 'db.go'),
    from: 'func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {\n',
    to: 'func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {\n\tdb.writers.Lock()\n\tdefer db.writers.Unlock()\n\n',
  },
  {
    file: join('internal', 'util', 'fsql', 'db.go'),
    from: 'func (db *DB) InTransaction(ctx context.Context, f func(*Tx) error) (err error) {\n',
    to: 'func (db *DB) InTransaction(ctx context.Context, f func(*Tx) error) (err error) {\n\tdb.writers.Lock()\n\tdefer db.writers.Unlock()\n\n',
  },
];

/**
 * FerretDB 1.24 applies `$push: {field: {$each: [...], $slice: -N}}` without the `$slice`: the array
 * grows for ever. The campaign tallies keep the latest few text answers that way (as on MongoDB),
 * so on a stock FerretDB they read the document first and write the trimmed array back, under a
 * lease. Our build applies `$slice` as MongoDB does (negative: the last N, positive: the first N, 0:
 * none), so the tallies write in one findAndModify there too.
 */
const PUSH_SLICE_PATCH: SourcePatch = {
  file: join('internal', 'handler', 'common', 'update_array_operators.go'),
  from: '\tif err = doc.SetByPath(path, array); err != nil {\n\t\treturn false, lazyerrors.Error(err)\n\t}\n\n\treturn changed, nil\n}\n\n// processAddToSetArrayUpdateExpression',
  to: [
    '\tif pushDoc, ok := pushVal.(*types.Document); ok && pushDoc.Has("$slice") {',
    '\t\tvar keep int64',
    '\t\tswitch n := must.NotFail(pushDoc.Get("$slice")).(type) {',
    '\t\tcase int32:',
    '\t\t\tkeep = int64(n)',
    '\t\tcase int64:',
    '\t\t\tkeep = n',
    '\t\tcase float64:',
    '\t\t\tkeep = int64(n)',
    '\t\tdefault:',
    '\t\t\treturn false, NewUpdateError(handlererrors.ErrBadValue, "The value for $slice must be an integer value", command)',
    '\t\t}',
    '\t\tfrom, to := int64(0), int64(array.Len())',
    '\t\tif keep < 0 && -keep < to {',
    '\t\t\tfrom = to + keep',
    '\t\t} else if keep >= 0 && keep < to {',
    '\t\t\tto = keep',
    '\t\t}',
    '\t\tif from != 0 || to != int64(array.Len()) {',
    '\t\t\tsliced := types.MakeArray(int(to - from))',
    '\t\t\tfor i := from; i < to; i++ {',
    '\t\t\t\tsliced.Append(must.NotFail(array.Get(int(i))))',
    '\t\t\t}',
    '\t\t\tarray = sliced',
    '\t\t\tchanged = true',
    '\t\t}',
    '\t}',
    '',
    '\tif err = doc.SetByPath(path, array); err != nil {\n\t\treturn false, lazyerrors.Error(err)\n\t}\n\n\treturn changed, nil\n}\n\n// processAddToSetArrayUpdateExpression',
  ].join('\n'),
};

const PATCHES = [
  ID_LOOKUP_PATCH,
  ID_WITH_CONDITIONS_PATCH,
  ...SERIALIZED_WRITES_PATCH,
  ...QUEUED_WRITERS_PATCH,
  PUSH_SLICE_PATCH,
];
const ADDITIONS = [SERIALIZED_WRITES_FILE];

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
  // It reports the build (buildInfo.ferretdbVersion), so the hub can tell what it is talking to.
  await writeFile(join(sourceDir, 'build', 'version', 'version.txt'), `${FERRETDB_BUILD}\n`);
  for (const patch of PATCHES) await applyPatch(sourceDir, patch);
  for (const addition of ADDITIONS) await writeFile(join(sourceDir, addition.file), addition.content);
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
