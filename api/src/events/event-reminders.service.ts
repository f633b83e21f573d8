import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Types } from 'mongoose';
import { DomainEventBus } from '../common/domain-event-bus';
import { isOutage } from '../common/database-errors';
import { PeriodicSweep } from '../common/periodic-sweep';
import { HubConfig } from '../config/hub-config';
import { JobsService } from '../engine/jobs.service';
import { dueReminder, REMINDERS } from './event-time';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { RsvpService } from './rsvp.service';
import { RsvpsRepository } from './rsvps.repository';
import type { Event } from './schemas/event.schema';

const SWEEP_EVERY_MS = 60_000;
/** Events one sweep looks at (those starting within the next day). */
const SWEEP_LIMIT = 1_000;

export interface ReminderSweepResult {
  events: number;
  sent: number;
  /** Already claimed by an earlier sweep (here or on another instance). */
  skipped: number;
}

/**
 * Reminders 24 hours and 1 hour before an event starts, to each member going. Exactly once
 * across instances and restarts: each reminder is claimed with a unique `_id` mark
 * (`reminder:<event>:<user>:<24h|1h>@<start>`) BEFORE it is published, so of any number of
 * sweeps only one sends it. The start is part of the mark: an event moved to another time
 * reminds again for its new time. Runs every minute (unless JOBS_INTERVAL_MINUTES is 0), and as
 * the job `event-reminders` (`POST /api/admin/jobs/event-reminders`, optional `asOf`).
 */
@Injectable()
export class EventRemindersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventRemindersService.name);
  private readonly sweeps = new PeriodicSweep(
    () => this.scheduled(),
    (error) => {
      if (isOutage(error)) this.logger.warn('Event reminders skipped: the database is unreachable');
      else this.logger.error('Event reminder sweep failed', error.stack);
    },
  );

  constructor(
    private readonly repository: EventsRepository,
    private readonly rsvps: RsvpsRepository,
    private readonly events: EventsService,
    private readonly waitlists: RsvpService,
    private readonly bus: DomainEventBus,
    private readonly jobs: JobsService,
    private readonly config: HubConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.register('event-reminders', (asOf) => this.sweep(asOf));
    this.jobs.register('event-seats', async (asOf) => {
      const settled = await this.waitlists.settleWaitlists();
      const repair = await this.waitlists.repairCounters(asOf);
      return { ...repair, promoted: settled + repair.promoted };
    });
    if (!this.config.JOBS_INTERVAL_MINUTES) return; // on demand only (tests, the CLI)
    this.sweeps.start(SWEEP_EVERY_MS);
  }

  onApplicationShutdown(): void {
    void this.sweeps.stop();
  }

  /** Sends every reminder due at `asOf` that no sweep has sent yet. */
  async sweep(asOf: Date = new Date()): Promise<ReminderSweepResult> {
    const longest = Math.max(...REMINDERS.map((reminder) => reminder.hours));
    const upcoming = await this.repository.startingBetween(
      asOf,
      new Date(asOf.getTime() + longest * 3_600_000),
      SWEEP_LIMIT,
    );
    const result: ReminderSweepResult = { events: 0, sent: 0, skipped: 0 };
    for (const event of upcoming) {
      const reminder = dueReminder(event.startsAt, asOf);
      if (!reminder) continue;
      result.events++;
      for (const userId of await this.rsvps.memberIds(event._id, ['going'])) {
        if (await this.send(event, userId, reminder)) result.sent++;
        else result.skipped++;
      }
    }
    return result;
  }

  private async send(event: Event, userId: string, reminder: '24h' | '1h'): Promise<boolean> {
    const mark = `reminder:${event._id.toHexString()}:${userId}:${reminder}@${event.startsAt.toISOString()}`;
    if (!(await this.rsvps.claimReminder(mark))) return false;
    await this.bus.publish('event.reminder', {
      ...this.events.facts(event),
      userId: new Types.ObjectId(userId).toHexString(),
      reminder,
      joinUrl: event.joinUrl,
      location: event.location,
    });
    return true;
  }

  /**
   * The minute's sweep: reminders, a promotion pass wherever a seat is free while someone waits,
   * and the repair of counters a crash left off (also the job `event-seats`). One at a time per process, errors logged, nothing sent during an outage.
   */
  private async scheduled(): Promise<void> {
    const result = await this.jobs.scheduled('event-reminders', () => this.sweep());
    if (result.sent) this.logger.log(`Event reminders: ${JSON.stringify(result)}`);
    const promoted = await this.waitlists.settleWaitlists();
    if (promoted) this.logger.warn(`Waitlists: ${promoted} promoted by the sweep (a pass had not run)`);
    await this.waitlists.repairCounters();
  }
}
