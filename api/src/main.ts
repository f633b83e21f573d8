import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import Redis from 'ioredis';
import { join } from 'node:path';
import { createApp } from './app.factory';
import { ConfigError, HubConfig, loadConfig, REPO_ROOT } from './config/hub-config';
import { EmbeddedDatabase, startEmbeddedDatabase } from './database/embedded-database';
import { EmbeddedRedis, startEmbeddedRedis } from './database/embedded-redis';
import { LeaderboardRebuildService } from './leaderboards/leaderboard-rebuild.service';
import { REDIS_KEY_PREFIX } from './leaderboards/redis-sorted-set.store';
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

/**
 * Starts (or reuses) the embedded redis-server when REDIS_URL is unset and writes its URL into
 * `config.REDIS_URL`, so that every `config.REDIS_URL` check sees it; with a REDIS_URL given, or
 * REDIS_URL=none (then `config.REDIS_URL` is undefined), it starts nothing. Call it before createApp.
 */
export async function resolveRedis(config: HubConfig): Promise<EmbeddedRedis | null> {
  if (config.redisSource !== 'embedded' || config.REDIS_URL) return null;
  const embedded = await startEmbeddedRedis({
    dataDir: config.HUB_DATA_DIR,
    log: (line) => console.log(`[redis] ${line}`),
  });
  config.REDIS_URL = embedded.url;
  return embedded;
}

/** For the start-up banner: which Redis serves the boards, fan-out and rate limits. */
export function describeRedis(config: HubConfig, embedded: EmbeddedRedis | null): string {
  if (config.redisSource === 'none') return 'none (REDIS_URL=none: MongoDB bucket leaderboards, per-process limits)';
  if (!embedded) return 'REDIS_URL';
  return `embedded redis-server (${embedded.owned ? 'started' : 'reused'}, pid ${embedded.pid}) in ${join(config.HUB_DATA_DIR, 'redis')}`;
}

/**
 * An embedded Redis without any board (the first start on Redis of a database that has history,
 * or its files were removed) gets the boards from the ledger; on a new database that is instant.
 */
async function fillBoardsOfNewRedis(app: INestApplication, url: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${REDIS_KEY_PREFIX}*`, 'COUNT', 1000);
      if (keys.length > 0) return;
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  const report = await app.get(LeaderboardRebuildService).rebuild();
  if (report.entries > 0) {
    console.log(`[redis] Filled the new Redis: ${report.buckets} board totals from ${report.entries} ledger entries.`);
  }
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
  // Handlers first: a signal during start-up must still stop what was started (see the launchers' exit hooks).
  let started: { app?: INestApplication; embedded?: EmbeddedDatabase | null; redis?: EmbeddedRedis | null } = {};
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await started.app?.close();
    await Promise.all([started.redis?.stop(), started.embedded?.stop()]);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const { uri, embedded } = await resolveDatabase(config);
  started = { embedded };
  const redis = await resolveRedis(config);
  started = { embedded, redis };
  const app = await createApp(config, uri);
  started = { embedded, redis, app };

  await app.init();
  if (redis) await fillBoardsOfNewRedis(app, redis.url);
  if (config.HUB_DEMO) await app.get(DemoDataService).load();
  await app.listen({ port: config.PORT, host: config.HOST });

  const url = `http://localhost:${config.PORT}`;
  const lines = [
    '',
    `Engagement Hub is running at ${url}`,
    `  API docs: ${url}/api/docs   Database: ${embedded ? `embedded ${embedded.engine} in ${config.HUB_DATA_DIR}` : 'MONGODB_URI'}`,
    `  Redis: ${describeRedis(config, redis)}`,
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
