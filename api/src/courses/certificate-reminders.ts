import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicSweep } from '../common/periodic-sweep';
import { HubConfig } from '../config/hub-config';
import { JobsService } from '../engine/jobs.service';
import { CertificatesService } from './certificates.service';

/** Reminders are due 30 days ahead, so a minute's delay is nothing; a sweep is one indexed query. */
const SWEEP_MS = 60_000;

/**
 * Runs the certificate expiry reminders every minute (unless JOBS_INTERVAL_MINUTES=0, when sweeps
 * run only on demand) and as the job `certificate-reminders`. Every instance may sweep: each
 * reminder is claimed once on its certificate before it is sent.
 */
@Injectable()
export class CertificateReminders implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CertificateReminders.name);
  // During an outage nothing is claimed, so the next sweep sends what this one could not.
  private readonly sweeps = new PeriodicSweep(
    () => this.sweep(),
    (error) => this.logger.warn(`Certificate reminders failed: ${error.message}`),
  );

  constructor(
    private readonly certificates: CertificatesService,
    private readonly jobs: JobsService,
    private readonly config: HubConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.register('certificate-reminders', (asOf) => this.certificates.sendExpiryReminders(asOf));
    if (!this.config.JOBS_INTERVAL_MINUTES) return;
    this.sweeps.start(SWEEP_MS);
  }

  onApplicationShutdown(): void {
    void this.sweeps.stop();
  }

  private async sweep(): Promise<void> {
    const { reminded } = await this.jobs.scheduled('certificate-reminders', () =>
      this.certificates.sendExpiryReminders(),
    );
    if (reminded) this.logger.log(`Reminded ${reminded} certificate holder(s) of an expiry`);
  }
}
