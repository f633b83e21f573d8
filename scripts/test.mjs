#!/usr/bin/env node
// `npm test`: installs what the machine lacks and builds what is stale (scripts/setup.mjs, shared
// with `npm start`), then runs every suite in order; prints how long each step took and exits
// non-zero if any failed.
import { spawnSync } from 'node:child_process';
import { ROOT, setUp, SetupError } from './setup.mjs';

const suites = [
  ['OpenAPI document is current', 'npm run test:openapi'],
  ['api unit specs', 'npm run test:unit'],
  ['API end-to-end (real hub, embedded database, sockets)', 'npm run test:e2e'],
  ['browser end-to-end (Chromium)', 'npm run test:web'],
];
const MUST_PASS = 1; // without a current contract there is nothing to test

const began = Date.now();
const setupSteps = [];
const results = [];
let setupFailed = false;
try {
  await setUp('test', setupSteps);
} catch (error) {
  if (error instanceof SetupError) {
    console.error(error.message); // one line: what to install and why
    process.exit(1);
  }
  console.error(error instanceof Error ? error.message : error);
  setupFailed = true;
}

if (!setupFailed) {
  for (const [index, [name, command]] of suites.entries()) {
    console.log(`\n━━ ${name}: ${command}`);
    const started = Date.now();
    const { status } = spawnSync(command, { shell: true, stdio: 'inherit', cwd: ROOT });
    results.push({ name, ok: status === 0, seconds: ((Date.now() - started) / 1000).toFixed(1) });
    if (status !== 0 && index < MUST_PASS) break;
  }
}

const seconds = (list) => list.reduce((sum, step) => sum + Number(step.seconds), 0).toFixed(1);
console.log('\n━━ summary');
console.log(`${setupFailed ? 'FAIL' : 'ok  '} set-up (${seconds(setupSteps)} s)`);
for (const { name, ok, note, seconds } of setupSteps)
  console.log(`${ok ? 'ok  ' : 'FAIL'}   ${name}: ${note} (${seconds} s)`);
for (const { name, ok, seconds } of results) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${seconds} s)`);
const failed = results.filter((r) => !r.ok).length + (suites.length - results.length) + (setupFailed ? 1 : 0);
const passed = results.filter((r) => r.ok).length + (setupFailed ? 0 : 1);
console.log(`steps: ${passed} passed, ${failed} failed; total ${((Date.now() - began) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
