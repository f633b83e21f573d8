import { BadRequestException, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Types } from 'mongoose';
import type { Principal } from '../common/roles';
import { HubConfig } from '../config/hub-config';
import type { JobListDto } from '../job-runs/dto/job-run.dto';
import { JobRunsService } from '../job-runs/job-runs.service';
import type { JobTrigger } from '../job-runs/schemas/job-run.schema';
import { LedgerMaintenanceService } from '../ledger/ledger-maintenance.service';
import { LedgerService } from '../ledger/ledger.service';
import { UsersService } from '../users/users.service';
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

export interface JobRunOptions {
  /** What started the run (remembered with its result). */
  trigger: JobTrigger;
  /** The admin who asked for it. */
  by?: Principal | null;
  onProgress?: (done: number, total: number) => void;
}

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
    private readonly runs: JobRunsService,
    private readonly users: UsersService,
  ) {}

  /** A feature module's job, run on demand like the engine's own (it schedules itself). */
  register(name: JobName, job: (asOf: Date) => Promise<object>): void {
    this.registered.set(name, job);
  }

  /** Runs a job now and remembers the run (GET /admin/jobs); an unknown name is refused before anything runs. */
  async run(name: string, asOf = new Date(), options: JobRunOptions = { trigger: 'manual' }): Promise<object> {
    const job = this.jobFor(name, options.onProgress);
    const by = options.by ? await this.runner(options.by) : null;
    return this.runs.track(name, { trigger: options.trigger, asOf, by }, () => job(asOf));
  }

  /**
   * A sweep started by its own timer (the feature modules schedule theirs), recorded as a
   * scheduled run of `name`; its answer or error comes back unchanged.
   */
  scheduled<T>(name: JobName, sweep: () => Promise<T>): Promise<T> {
    return this.runs.track(name, { trigger: 'scheduled' }, sweep);
  }

  /** Every job with its last runs. */
  list(): Promise<JobListDto> {
    return this.runs.list(JOB_NAMES);
  }

  private jobFor(name: string, onProgress?: (done: number, total: number) => void): (asOf: Date) => Promise<object> {
    switch (name as JobName) {
      case 'expire-points':
        return (asOf) => this.maintenance.expirePoints(asOf);
      case 'review-tiers':
        return (asOf) => this.tiers.review(asOf);
      case 'reconcile':
        return () => this.maintenance.reconcile(onProgress);
      case 'finish-postings':
        // `asOf` moves "now" forward, so a test can finish what a crash left without waiting.
        return (asOf) => this.ledger.finishPending(asOf.getTime());
      default: {
        const job = this.registered.get(name as JobName);
        if (job) return job;
        throw new BadRequestException(`Unknown job "${name}"; jobs: ${JOB_NAMES.join(', ')}`);
      }
    }
  }

  private async runner(caller: Principal): Promise<{ id: string; displayName: string }> {
    const user = Types.ObjectId.isValid(caller.id) ? await this.users.find(new Types.ObjectId(caller.id)) : null;
    return { id: caller.id, displayName: user?.displayName ?? '' };
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
        this.logger.log(`${job}: ${JSON.stringify(await this.run(job, new Date(), { trigger: 'scheduled' }))}`);
      } catch (error) {
        this.logger.error(`${job} failed`, (error as Error).stack);
      }
    }
  }
}
