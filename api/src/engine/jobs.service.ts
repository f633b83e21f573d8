import { BadRequestException, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HubConfig } from '../config/hub-config';
import { LedgerMaintenanceService } from '../ledger/ledger-maintenance.service';
import { LedgerService } from '../ledger/ledger.service';
import { TiersService } from './tiers.service';

export const JOB_NAMES = [
  'expire-points',
  'review-tiers',
  'reconcile',
  'finish-postings',
  'campaign-reminders',
  'finish-campaign-responses',
  'finish-redemptions',
  'event-reminders',
  'event-seats',
  'certificate-reminders',
] as const;
export type JobName = (typeof JOB_NAMES)[number];

/**
 * The scheduled sweeps, runnable on demand too (admin API, CLI). `asOf` lets an operator re-run
 * a sweep for a given day — and lets tests move time forward without waiting for it.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobsService.name);
  private timer?: NodeJS.Timeout;
  /** Jobs of feature modules, which import the engine (so the engine cannot import them). */
  private readonly registered = new Map<JobName, (asOf: Date) => Promise<object>>();

  constructor(
    private readonly maintenance: LedgerMaintenanceService,
    private readonly ledger: LedgerService,
    private readonly tiers: TiersService,
    private readonly config: HubConfig,
  ) {}

  /** A feature module's job, run on demand like the engine's own (it schedules itself). */
  register(name: JobName, job: (asOf: Date) => Promise<object>): void {
    this.registered.set(name, job);
  }

  run(name: string, asOf = new Date(), onProgress?: (done: number, total: number) => void): Promise<object> {
    switch (name as JobName) {
      case 'expire-points':
        return this.maintenance.expirePoints(asOf);
      case 'review-tiers':
        return this.tiers.review(asOf);
      case 'reconcile':
        return this.maintenance.reconcile(onProgress);
      case 'finish-postings':
        // `asOf` moves "now" forward, so a test can finish what a crash left without waiting.
        return this.ledger.finishPending(asOf.getTime());
      default: {
        const job = this.registered.get(name as JobName);
        if (job) return job(asOf);
        throw new BadRequestException(`Unknown job "${name}"; jobs: ${JOB_NAMES.join(', ')}`);
      }
    }
  }

  onApplicationBootstrap(): void {
    const minutes = this.config.JOBS_INTERVAL_MINUTES;
    if (!minutes) return;
    this.timer = setInterval(() => void this.runScheduled(), minutes * 60_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async runScheduled(): Promise<void> {
    for (const job of ['expire-points', 'review-tiers'] as const) {
      try {
        this.logger.log(`${job}: ${JSON.stringify(await this.run(job))}`);
      } catch (error) {
        this.logger.error(`${job} failed`, (error as Error).stack);
      }
    }
  }
}
