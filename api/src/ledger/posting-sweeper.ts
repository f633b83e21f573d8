import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { isOutage } from '../common/database-errors';
import { PeriodicSweep } from '../common/periodic-sweep';
import { JobRunsService } from '../job-runs/job-runs.service';
import { LedgerService } from './ledger.service';

const EVERY_MS = 60_000;

/**
 * Finishes postings that a crash (of this process, another instance, or the database) left
 * unfinished: once shortly after start-up and then every minute, on every instance — replaying
 * an entry's effects is guarded, so instances sweeping at the same time do no harm.
 */
@Injectable()
export class PostingSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PostingSweeper.name);
  private readonly sweeps = new PeriodicSweep(
    // Recorded as a scheduled run of the job `finish-postings` (the admin console shows it).
    () => this.runs.track('finish-postings', { trigger: 'scheduled' }, () => this.ledger.finishPending()),
    (error) => {
      if (isOutage(error)) this.logger.warn(`Posting sweep postponed: ${error.message}`);
      else this.logger.error('Posting sweep failed', error.stack);
    },
  );

  constructor(
    private readonly ledger: LedgerService,
    private readonly runs: JobRunsService,
  ) {}

  onApplicationBootstrap(): void {
    // After start-up rather than during it: the hub answers while the sweep works.
    this.sweeps.start(EVERY_MS, 1_000);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeps.stop();
  }
}
