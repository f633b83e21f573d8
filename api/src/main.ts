import 'reflect-metadata';
import { join } from 'node:path';
import { createApp } from './app.factory';
import { ConfigError, HubConfig, loadConfig, REPO_ROOT } from './config/hub-config';
import { EmbeddedDatabase, startEmbeddedDatabase } from './database/embedded-database';
import { DEMO_MEMBERS, DEMO_PASSWORD, DEMO_STAFF } from './demo/demo-data';
import { DemoDataService } from './demo/demo-data.service';

/** Starts the embedded database unless MONGODB_URI is set; returns the URI to use. */
export async function resolveDatabase(config: HubConfig): Promise<{ uri: string; embedded: EmbeddedDatabase | null }> {
  if (config.MONGODB_URI) return { uri: config.MONGODB_URI, embedded: null };
  const embedded = await startEmbeddedDatabase({
    dataDir: config.HUB_DATA_DIR,
    toolsDir: join(REPO_ROOT, '.tools'),
    log: (line) => console.log(`[database] ${line}`),
  });
  return { uri: `${embedded.uri}/hub`, embedded };
}

function loadConfigOrExit(): HubConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const { uri, embedded } = await resolveDatabase(config);
  const app = await createApp(config, uri);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.init();
  if (config.HUB_DEMO) await app.get(DemoDataService).load();
  await app.listen({ port: config.PORT, host: config.HOST });

  const url = `http://localhost:${config.PORT}`;
  const lines = [
    '',
    `Engagement Hub is running at ${url}`,
    `  API docs: ${url}/api/docs   Database: ${embedded ? `embedded ${embedded.engine} in ${config.HUB_DATA_DIR}` : 'MONGODB_URI'}`,
  ];
  if (config.HUB_DEMO) {
    lines.push(`  Demo logins (password ${DEMO_PASSWORD}):`);
    for (const person of [...DEMO_STAFF, ...DEMO_MEMBERS]) {
      const role = 'roles' in person ? person.roles.join(', ') : `member, ${person.organization}`;
      lines.push(`    ${person.email.padEnd(22)} ${role}`);
    }
    lines.push('  Register a new member with invite code NORTHWIND (or team codes NORTHCREW, SOUTHCREW).');
  }
  lines.push('Press Ctrl-C to stop.', '');
  console.log(lines.join('\n'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
