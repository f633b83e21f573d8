import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { isOutage } from '../common/database-errors';
import { PeriodicSweep } from '../common/periodic-sweep';
import { JobsService } from '../engine/jobs.service';
import { RedemptionService } from './redemption.service';

const EVERY_MS = 60_000;

/**
 * Finishes redemptions a crash left part-way (undone, or given their code) and refunds a crash
 * interrupted: every minute on every instance (taking one over is a conditional update, so two
 * instances never both do it), and on demand as the job `finish-redemptions`.
 */
@Injectable()
export class RedemptionSweeper implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RedemptionSweeper.name);
  private readonly sweeps = new PeriodicSweep(
    // Recorded as a scheduled run of the job (the admin console shows its last result).
    () => this.jobs.scheduled('finish-redemptions', () => this.redemptions.sweep()),
    (error) => {
      if (isOutage(error)) this.logger.warn(`Redemption sweep postponed: ${error.message}`);
      else this.logger.error('Redemption sweep failed', error.stack);
    },
  );

  constructor(
    private readonly redemptions: RedemptionService,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register('finish-redemptions', (asOf) => this.redemptions.sweep(asOf));
  }

  onApplicationBootstrap(): void {
    this.sweeps.start(EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeps.stop();
  }
}
