import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const port = Number(process.env.HUB_WEB_PORT ?? 3111);
const baseURL = `http://127.0.0.1:${port}`;

/** Browser tests: Debian's Chromium (never a downloaded browser) against a fresh hub with demo data. */
export default defineConfig({
  testDir: './web',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  // One retry, reported as "flaky" in the list: on this 2-core machine the first test once saw the
  // analytics page keep the program's figures past the 10 s expect timeout right after the API
  // suite (not reproduced in 13 runs since; see the issue notes). A test failing twice fails.
  retries: 1,
  forbidOnly: true,
  reporter: [['list']],
  outputDir: resolve(__dirname, '..', 'test-results'),
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: 'node api/dist/main.js',
    cwd: resolve(__dirname, '..'),
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 240_000,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      HUB_DEMO: 'true',
      HUB_DATA_DIR: mkdtempSync(join(tmpdir(), 'hub-web-')),
      LOG_LEVEL: 'warn',
      REGISTER_RATE_LIMIT: '1000',
      LOGIN_RATE_LIMIT: '1000', // many sign-ins from one address and test account; the limit itself is tested in test/api
    },
  },
});
