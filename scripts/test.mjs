#!/usr/bin/env node
// `npm test`: builds, then runs every suite in order and exits non-zero if any fails.
import { spawnSync } from 'node:child_process';

const steps = [
  ['build (api + client, type checks)', 'npm run build'],
  ['OpenAPI document is current', 'npm run test:openapi'],
  ['api unit specs', 'npm run test:unit'],
  ['API end-to-end (real hub, embedded database, sockets)', 'npm run test:e2e'],
  ['browser end-to-end (Chromium)', 'npm run test:web'],
];

const MUST_PASS = 2; // without a build and a current contract there is nothing to test
const results = [];
for (const [index, [name, command]] of steps.entries()) {
  console.log(`\n━━ ${name}: ${command}`);
  const started = Date.now();
  const { status } = spawnSync(command, { shell: true, stdio: 'inherit' });
  results.push({ name, ok: status === 0, seconds: ((Date.now() - started) / 1000).toFixed(1) });
  if (status !== 0 && index < MUST_PASS) break;
}

console.log('\n━━ summary');
for (const { name, ok, seconds } of results) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${seconds} s)`);
const failed = results.filter((r) => !r.ok).length + (steps.length - results.length);
console.log(`steps: ${results.length - results.filter((r) => !r.ok).length} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
