#!/usr/bin/env node
// `npm start`: installs what is missing, builds what is stale, then runs the hub with demo data.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (command) => {
  console.log(`> ${command}`);
  const { status } = spawnSync(command, { shell: true, stdio: 'inherit', cwd: root });
  if (status !== 0) process.exit(status ?? 1);
};

/** Newest modification time below `path` (0 when missing). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) run('npm ci --no-audit --no-fund');

const apiStale = newest(join(root, 'api', 'src')) > newest(join(root, 'api', 'dist'));
const clientSources = Math.max(newest(join(root, 'client', 'src')), newest(join(root, 'api', 'openapi.json')));
const clientStale = clientSources > newest(join(root, 'client', 'build'));
if (apiStale || !existsSync(join(root, 'api', 'dist', 'main.js'))) run('npm run build -w api');
if (clientStale || !existsSync(join(root, 'client', 'build', 'index.html'))) run('npm run build -w client');

// The hub starts (or reuses) the embedded database itself and stops it on Ctrl-C.
const hub = spawn(process.execPath, [join(root, 'api', 'dist', 'main.js')], {
  cwd: root,
  stdio: 'inherit',
  env: { HUB_DEMO: 'true', ...process.env },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => hub.kill(signal));
hub.on('exit', (code) => process.exit(code ?? 0));
