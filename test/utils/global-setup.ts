import { join } from 'node:path';
import { REPO_ROOT, startHub, tempDir } from './hub-process';

export const ADMIN = { email: 'e2e-admin@hub.test', password: 'e2e-admin-password' };
/** Known to the tests so they can mint tokens the hub must refuse (expired ones). */
export const JWT_SECRET = 'e2e-only-secret-e2e-only-secret-e2e';

/**
 * One embedded FerretDB and one hub process for the whole API suite. The database is started by
 * the hub's own launcher (the code `npm start` runs), the hub is the built `api/dist`.
 */
export default async function globalSetup(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startEmbeddedDatabase } = require(join(REPO_ROOT, 'api', 'dist', 'database', 'embedded-database.js'));
  const dataDir = tempDir('hub-e2e-');
  const database = await startEmbeddedDatabase({ dataDir, toolsDir: join(REPO_ROOT, '.tools'), log: console.log });
  const mongoUri = `${database.uri}/hub_e2e`;
  const hub = await startHub({
    MONGODB_URI: mongoUri,
    HUB_DATA_DIR: dataDir,
    JWT_SECRET,
    HUB_ADMIN_EMAIL: ADMIN.email,
    HUB_ADMIN_PASSWORD: ADMIN.password,
    LOGIN_RATE_LIMIT: '8',
    REGISTER_RATE_LIMIT: '1000',
    WRITE_RATE_LIMIT: '100000',
    JOBS_INTERVAL_MINUTES: '0', // sweeps run when a test asks (POST /api/admin/jobs/:name)
  });
  process.env.HUB_E2E_URL = hub.url;
  // One admin session for every suite: logins are rate-limited per address and email (8 a
  // minute here, which a test checks), and there are more suites than that.
  const session = await fetch(`${hub.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const body = (await session.json()) as { accessToken: string; user: { id: string } };
  process.env.HUB_E2E_ADMIN = JSON.stringify({ token: body.accessToken, id: body.user.id, email: ADMIN.email });
  process.env.HUB_E2E_MONGODB_URI = mongoUri;
  (globalThis as Record<string, unknown>).__hubE2E = { database, hub };
}
