import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';

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

  log(`Installing FerretDB ${FERRETDB_VERSION} into ${binDir} (first run only, about a minute)…`);
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
  await run('go', ['build', '-o', binary, './cmd/ferretdb'], { env, cwd: sourceDir, maxBuffer: 16 << 20 });
  await rm(sourceDir, { recursive: true, force: true });
  log(`FerretDB ${FERRETDB_VERSION} installed.`);
  return binary;
}

async function makeWritable(path: string): Promise<void> {
  const info = await stat(path);
  await chmod(path, info.mode | 0o200);
  if (info.isDirectory()) {
    for (const entry of await readdir(path)) await makeWritable(join(path, entry));
  }
}
