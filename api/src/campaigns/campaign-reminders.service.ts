import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Types } from 'mongoose';
import { DomainEventBus } from '../common/domain-event-bus';
import { PeriodicSweep } from '../common/periodic-sweep';
import { HubConfig } from '../config/hub-config';
import { JobsService } from '../engine/jobs.service';
import { UsersService } from '../users/users.service';
import { CampaignResponsesService } from './campaign-responses.service';
import { CampaignsRepository } from './campaigns.repository';

/** Members who have not answered hear once, this long before the campaign closes. */
export const REMINDER_BEFORE_MS = 48 * 3600_000;
const SWEEP_EVERY_MS = 60_000;
const PAGE = 500;

/**
 * The campaigns' scheduled work, every minute in each hub (and on demand as the jobs
 * `campaign-reminders` and `finish-campaign-responses`): reminders 48 hours before the close, and
 * responses a crash left unfinished. Each reminder is claimed with a unique mark before it is
 * sent, so it goes out once across instances and restarts, however often the sweep runs.
 */
@Injectable()
export class CampaignRemindersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CampaignRemindersService.name);
  // During an outage the sweep does nothing; the next minute tries again.
  private readonly sweeps = new PeriodicSweep(
    () => this.sweep(),
    (error) => this.logger.warn(`Campaign sweep failed: ${error.message}`),
  );

  constructor(
    private readonly repository: CampaignsRepository,
    private readonly responses: CampaignResponsesService,
    private readonly users: UsersService,
    private readonly events: DomainEventBus,
    private readonly jobs: JobsService,
    private readonly config: HubConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.register('campaign-reminders', (asOf) => this.sendReminders(asOf));
    this.jobs.register('finish-campaign-responses', (asOf) => this.responses.finishInFlight(asOf));
    // JOBS_INTERVAL_MINUTES=0 means "sweeps only on demand" (the test suites).
    if (!this.config.JOBS_INTERVAL_MINUTES) return;
    this.sweeps.start(SWEEP_EVERY_MS);
  }

  onApplicationShutdown(): void {
    void this.sweeps.stop();
  }

  /** Reminds every audience member who has not answered a campaign closing within 48 hours of `asOf`. */
  async sendReminders(asOf = new Date()): Promise<{ campaigns: number; reminded: number }> {
    let reminded = 0;
    const due = await this.repository.listDueForReminders(asOf, REMINDER_BEFORE_MS);
    for (const campaign of due) {
      const campaignId = campaign._id.toHexString();
      let after: Types.ObjectId | undefined;
      for (;;) {
        const page = await this.users.pageInAudience(campaign.audience, PAGE, after);
        if (!page.length) break;
        after = page[page.length - 1]._id;
        for (const member of page) {
          const userId = member._id.toHexString();
          if ((await this.repository.answered([campaignId], userId)).size) continue;
          if (!(await this.repository.claimReminder(campaignId, userId, asOf))) continue;
          await this.events.publish('campaign.reminder', {
            userId,
            campaignId,
            title: campaign.title,
            closesAt: campaign.closesAt,
            incentivePoints: campaign.incentivePoints,
          });
          reminded++;
        }
      }
      await this.repository.markRemindersSent(campaign._id, asOf);
    }
    return { campaigns: due.length, reminded };
  }

  private async sweep(): Promise<void> {
    const reminders = await this.jobs.scheduled('campaign-reminders', () => this.sendReminders());
    if (reminders.reminded) this.logger.log(`Campaign reminders: ${JSON.stringify(reminders)}`);
    await this.jobs.scheduled('finish-campaign-responses', () => this.responses.finishInFlight());
  }
}
