import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { Types } from 'mongoose';
import { OnDomainEffect } from '../common/domain-event-bus';
import type { DemoReadyEvent } from '../common/domain-events';
import { DEMO_PASSWORD } from '../demo/demo-data';
import { ActivitiesService } from '../engine/activities.service';
import { UsersRepository } from '../users/users.repository';
import { ReferralsService } from './referrals.service';

const REFERRER = 'ana@northwind.demo';
const REFEREE = { email: 'finn@northwind.demo', displayName: 'Finn Holm' };

/** A converted referral in the demo: Ana referred Finn, whose first lesson earned her the bonus. */
@Injectable()
export class ReferralsDemo {
  constructor(
    private readonly referrals: ReferralsService,
    private readonly users: UsersRepository,
    private readonly activities: ActivitiesService,
  ) {}

  @OnDomainEffect('demo.ready')
  async onDemoReady(demo: DemoReadyEvent): Promise<void> {
    const ana = demo.members.find((member) => member.email === REFERRER);
    if (!ana) return;
    const code = await this.referrals.codeFor(new Types.ObjectId(ana.id));
    const finn =
      (await this.users.findByEmail(REFEREE.email)) ??
      (await this.users.create({
        email: REFEREE.email,
        passwordHash: await argon2.hash(DEMO_PASSWORD),
        displayName: REFEREE.displayName,
        roles: ['member'],
        organizationId: new Types.ObjectId(ana.organizationId),
        teamId: ana.teamId ? new Types.ObjectId(ana.teamId) : null,
        referredByCode: code,
      }));
    await this.referrals.recordSignup(finn, { referrerId: new Types.ObjectId(ana.id), code });
    // Finn's first lesson converts the referral (once: the keys are fixed).
    await this.activities.record({
      user: finn,
      type: 'lesson.completed',
      idempotencyKey: 'demo:finn:first-lesson',
      reason: 'Completed the lesson “What is a heat pump?”',
      source: { kind: 'feature', id: null },
    });
  }
}
