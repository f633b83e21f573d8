import { Injectable, Logger } from '@nestjs/common';
import * as argon2 from 'argon2';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { OnDomainEffect } from '../common/domain-event-bus';
import type { DemoReadyEvent } from '../common/domain-events';
import { DEMO_PASSWORD } from '../demo/demo-data';
import { ActivitiesService } from '../engine/activities.service';
import { UsersRepository, type UserRecord } from '../users/users.repository';

/**
 * Colleagues of the demo members with eight weeks of past activity, so that the analytics console
 * shows lines, not a dot, on `npm start`; Contoso has two who never took part, so its participation
 * stands out side by side. They are people of their own (the demo members' balances, badges and
 * inboxes stay as the other domains seed them). `every`: active every n-th day; 0: never.
 */
const PEOPLE = [
  { email: 'ines@northwind.demo', name: 'Ines Ek', organization: 'Northwind Installers', team: 'North crew', every: 2 },
  { email: 'jon@northwind.demo', name: 'Jon Sand', organization: 'Northwind Installers', team: 'South crew', every: 4 },
  { email: 'kim@northwind.demo', name: 'Kim Berg', organization: 'Northwind Installers', team: 'North crew', every: 9 },
  { email: 'lea@contoso.demo', name: 'Lea Park', organization: 'Contoso Distribution', team: null, every: 3 },
  { email: 'max@contoso.demo', name: 'Max Ruiz', organization: 'Contoso Distribution', team: null, every: 0 },
  { email: 'noor@contoso.demo', name: 'Noor Amin', organization: 'Contoso Distribution', team: null, every: 0 },
] as const;
const DAYS = 56;
const KINDS = [
  { type: 'lesson.completed', reason: 'Completed a lesson' },
  { type: 'purchase.recorded', reason: 'Sell and earn', value: 120 },
  { type: 'quiz.passed', reason: 'Passed a course quiz' },
  { type: 'event.attended', reason: 'Attended a club evening', value: 75 },
];

/** Analytics demo data: people found by email first, activities under fixed keys, so a second load adds nothing. */
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
    for (const [index, person] of PEOPLE.entries()) {
      const organizationId = demo.organizations[person.organization];
      if (!organizationId) continue;
      const user = await this.person(person, organizationId, person.team ? demo.teams[person.team] : undefined);
      if (!person.every) continue;
      for (let daysAgo = DAYS - 1 - index; daysAgo >= 0; daysAgo -= person.every) {
        const kind = KINDS[daysAgo % KINDS.length];
        const result = await this.activities.record({
          user,
          type: kind.type,
          idempotencyKey: `demo:analytics:${person.email}:${daysAgo}`,
          occurredAt: now.minus({ days: daysAgo, hours: 1 }).toJSDate(),
          value: 'value' in kind ? kind.value : undefined,
          reason: kind.reason,
          source: { kind: 'feature', id: null },
        });
        if (!result.duplicate) recorded++;
      }
    }
    if (recorded) this.logger.log(`Analytics demo: ${recorded} past activities`);
  }

  private async person(
    person: (typeof PEOPLE)[number],
    organizationId: string,
    teamId: string | undefined,
  ): Promise<UserRecord> {
    return (
      (await this.users.findByEmail(person.email)) ??
      (await this.users.create({
        email: person.email,
        passwordHash: await argon2.hash(DEMO_PASSWORD),
        displayName: person.name,
        roles: ['member'],
        organizationId: new Types.ObjectId(organizationId),
        teamId: teamId ? new Types.ObjectId(teamId) : null,
      }))
    );
  }
}
