import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Presets, SingleBar } from 'cli-progress';
import { AnalyticsRebuildService } from '../analytics/analytics-rebuild.service';
import { createApp } from '../app.factory';
import { JobsService } from '../engine/jobs.service';
import { LeaderboardRebuildService } from '../leaderboards/leaderboard-rebuild.service';
import { LedgerMaintenanceService } from '../ledger/ledger-maintenance.service';
import { loadConfig, REPO_ROOT } from '../config/hub-config';
import { ferretDbBinary, findOnPath, startEmbeddedDatabase } from '../database/embedded-database';
import { DemoDataService } from '../demo/demo-data.service';
import { resolveDatabase, resolveRedis } from '../main';
import { buildOpenApiDocument, serializeOpenApi } from '../openapi';

const OPENAPI_PATH = join(REPO_ROOT, 'api', 'openapi.json');
const TOOLS_DIR = join(REPO_ROOT, '.tools');

const commands: Record<string, { help: string; run: (args: string[]) => Promise<number> }> = {
  openapi: {
    help: 'openapi [--check]   write api/openapi.json, or fail when the committed one is stale',
    run: async (args) => {
      const config = loadConfig({ ...process.env, LOG_LEVEL: 'error' });
      const app = await createApp(config, 'mongodb://127.0.0.1:1/preview', { preview: true });
      const text = serializeOpenApi(buildOpenApiDocument(app));
      if (!args.includes('--check')) {
        writeFileSync(OPENAPI_PATH, text);
        console.log(`Wrote ${OPENAPI_PATH}`);
        return 0;
      }
      const committed = existsSync(OPENAPI_PATH) ? readFileSync(OPENAPI_PATH, 'utf8') : '';
      if (committed === text) {
        console.log('api/openapi.json is up to date');
        return 0;
      }
      console.error('api/openapi.json is stale: run `npm run cli -w api -- openapi` and commit the result');
      return 1;
    },
  },
  seed: {
    help: 'seed                load content and the demo program (idempotent)',
    run: async () =>
      withApp(async (app) => {
        await app.get(DemoDataService).load();
        return 0;
      }),
  },
  reconcile: {
    help: 'reconcile           rebuild every wallet from the ledger and report the drift it fixed',
    run: async () =>
      withApp(async (app) => {
        const bar = new SingleBar(
          { format: 'reconcile [{bar}] {value}/{total} ledger entries, then wallets', hideCursor: true },
          Presets.shades_classic,
        );
        let started = false;
        // Through the jobs service, so the run is remembered like the console's (GET /api/admin/jobs).
        const report = (await app.get(JobsService).run('reconcile', new Date(), {
          trigger: 'cli',
          onProgress: (done, total) => {
            if (!started) bar.start(total, 0);
            started = true;
            bar.update(done);
          },
        })) as Awaited<ReturnType<LedgerMaintenanceService['reconcile']>>;
        bar.stop();
        console.log(
          `Read ${report.entries} ledger entries once; checked ${report.wallets} wallets; fixed ${report.fixed.length}.`,
        );
        for (const drift of report.fixed) {
          console.log(
            `  ${drift.userId}: stored ${JSON.stringify(drift.stored)} → ledger ${JSON.stringify(drift.fromLedger)}`,
          );
        }
        return 0;
      }),
  },
  'leaderboards:rebuild': {
    help: 'leaderboards:rebuild recompute every leaderboard from the ledger',
    run: async () =>
      withApp(async (app) => {
        const bar = new SingleBar(
          { format: 'leaderboards [{bar}] {value}/{total} ledger entries', hideCursor: true },
          Presets.shades_classic,
        );
        let started = false;
        const report = await app.get(LeaderboardRebuildService).rebuild((done, total) => {
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(done);
        });
        bar.stop();
        console.log(`Rebuilt ${report.buckets} board totals from ${report.entries} ledger entries.`);
        return 0;
      }),
  },
  'analytics:rebuild': {
    help: 'analytics:rebuild   recompute the analytics rollups from the ledger and the campaign responses',
    run: async () =>
      withApp(async (app) => {
        const bar = new SingleBar(
          { format: 'analytics [{bar}] {value}/{total} ledger entries, then responses', hideCursor: true },
          Presets.shades_classic,
        );
        let started = false;
        const report = await app.get(AnalyticsRebuildService).rebuild((done, total) => {
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(done);
        });
        bar.stop();
        console.log(
          `Rebuilt ${report.documents} rollup documents and ${report.members} member records from ${report.entries} ledger entries and ${report.responses} NPS answers.`,
        );
        return 0;
      }),
  },
  'expire-points': {
    help: 'expire-points [iso] expire unspent points past their lifetime (as of now, or the date given)',
    run: async (args) => withApp(async (app) => printJob(app, 'expire-points', args[0])),
  },
  'review-tiers': {
    help: 'review-tiers [iso]  recompute qualifying points and apply due tier downgrades',
    run: async (args) => withApp(async (app) => printJob(app, 'review-tiers', args[0])),
  },
  'event-reminders': {
    help: 'event-reminders [iso] send the event reminders due (24 h and 1 h before), each once',
    run: async (args) => withApp(async (app) => printJob(app, 'event-reminders', args[0])),
  },
  'db:install': {
    help: 'db:install          install FerretDB into .tools/ unless mongod or ferretdb is available',
    run: async () => {
      const server = findOnPath('mongod') ?? (await ferretDbBinary(TOOLS_DIR, console.log));
      console.log(`Database server: ${server}`);
      return 0;
    },
  },
  'db:start': {
    help: 'db:start [dir]      run the embedded database in the foreground and print its URI',
    run: async (args) => {
      const dataDir = args[0] ?? loadConfig(process.env).HUB_DATA_DIR;
      const db = await startEmbeddedDatabase({ dataDir, toolsDir: TOOLS_DIR, log: console.log });
      console.log(db.uri);
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
      await db.stop();
      return 0;
    },
  },
};

/**
 * Connects the hub for one command, then closes it: the same database and Redis a hub with this
 * environment uses (embedded ones are reused through their pid files in HUB_DATA_DIR while a hub
 * runs; those the command had to start itself are stopped again afterwards).
 */
async function withApp(work: (app: INestApplication) => Promise<number>): Promise<number> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', JOBS_INTERVAL_MINUTES: '0' });
  const { uri, embedded } = await resolveDatabase(config);
  let redis: Awaited<ReturnType<typeof resolveRedis>> = null;
  try {
    redis = await resolveRedis(config);
    const app = await createApp(config, uri);
    await app.init();
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  } finally {
    await Promise.all([redis?.stop(), embedded?.stop()]);
  }
}

async function printJob(app: INestApplication, name: string, asOf?: string): Promise<number> {
  const when = asOf ? new Date(asOf) : new Date();
  if (Number.isNaN(when.getTime())) throw new Error(`Not a date: ${asOf}`);
  console.log(JSON.stringify(await app.get(JobsService).run(name, when, { trigger: 'cli' }), null, 2));
  return 0;
}

async function run(): Promise<number> {
  const [name, ...args] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.log(
      ['Usage: node api/dist/cli/main.js <command>', ...Object.values(commands).map((c) => `  ${c.help}`)].join('\n'),
    );
    return name ? 2 : 0;
  }
  return command.run(args);
}

run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
