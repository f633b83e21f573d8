import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { OnDomainEffect } from '../common/domain-event-bus';
import type { DemoReadyEvent } from '../common/domain-events';
import { ActivitiesService } from '../engine/activities.service';
import { UsersRepository } from '../users/users.repository';

/** How often each demo member acted over the last eight weeks (every n-th day; 0: never). */
const RHYTHM: Record<string, number> = {
  'ana@northwind.demo': 3,
  'bo@northwind.demo': 7,
  'chen@northwind.demo': 11,
  'dana@northwind.demo': 0,
};
const DEFAULT_RHYTHM = 5;
const DAYS = 56;
const KINDS = [
  { type: 'lesson.completed', reason: 'Completed a lesson' },
  { type: 'purchase.recorded', reason: 'Sell and earn', value: 120 },
  { type: 'quiz.passed', reason: 'Passed a course quiz' },
];

/**
 * Eight weeks of past activity for the demo members, through the engine (fixed keys, so a second
 * load adds nothing), so that the analytics console shows lines and not a single dot on
 * `npm start`. The rollups follow from the activities themselves, like every other award.
 */
@Injectable()
export class AnalyticsDemo {
  private readonly logger = new Logger(AnalyticsDemo.name);

  constructor(
    private readonly activities: ActivitiesService,
    private readonly users: UsersRepository,
  ) {}

  @OnDomainEffect('demo.ready')
  async onDemoReady(demo: DemoReadyEvent): Promise<void> {
    const now = DateTime.now();
    let recorded = 0;
    for (const [index, person] of demo.members.entries()) {
      const every = RHYTHM[person.email] ?? DEFAULT_RHYTHM;
      if (!every) continue;
      const user = await this.users.findById(new Types.ObjectId(person.id));
      if (!user) continue;
      for (let daysAgo = DAYS - 1 - index; daysAgo > 0; daysAgo -= every) {
        const kind = KINDS[daysAgo % KINDS.length];
        const result = await this.activities.record({
          user,
          type: kind.type,
          idempotencyKey: `demo:analytics:${person.email}:${daysAgo}`,
          occurredAt: now.minus({ days: daysAgo }).set({ hour: 10 }).toJSDate(),
          value: kind.value,
          reason: kind.reason,
          source: { kind: 'feature', id: null },
        });
        if (!result.duplicate) recorded++;
      }
    }
    if (recorded) this.logger.log(`Analytics demo: ${recorded} past activities`);
  }
}
