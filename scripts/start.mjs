#!/usr/bin/env node
// `npm start`: installs what is missing and builds what is stale (scripts/setup.mjs, shared with
// `npm test`), then runs the hub with demo data.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, setUp } from './setup.mjs';

try {
  await setUp('start');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

// The hub starts (or reuses) the embedded database and redis-server itself and stops them on Ctrl-C.
const hub = spawn(process.execPath, [join(ROOT, 'api', 'dist', 'main.js')], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { HUB_DEMO: 'true', ...process.env },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => hub.kill(signal));
hub.on('exit', (code) => process.exit(code ?? 0));
