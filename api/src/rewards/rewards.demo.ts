import { Injectable, Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { OnDomainEffect } from '../common/domain-event-bus';
import type { DemoReadyEvent } from '../common/domain-events';
import type { Principal } from '../common/roles';
import type { CreateRewardDto } from './dto/reward.dto';
import { RedemptionService } from './redemption.service';
import { RedemptionsRepository } from './redemptions.repository';
import { RewardCatalogService } from './reward-catalog.service';
import { RewardsRepository } from './rewards.repository';
import type { RedemptionStatus } from './schemas/redemption.schema';

/** The demo catalog: one of each kind, a code pool, a Gold-only experience, a donation. */
const DEMO_REWARDS: Array<CreateRewardDto & { codes?: string[] }> = [
  {
    name: '€10 hardware store gift card',
    description: 'A digital gift card for Nordic Tools stores and webshop. Your code appears as soon as you redeem.',
    kind: 'gift-card',
    cost: 250,
    codePool: true,
    codes: Array.from({ length: 12 }, (_, i) => `NT10-DEMO-${String(1001 + i)}`),
  },
  {
    name: '10% off your next order',
    description: 'A discount on your next wholesale order with us, applied by your account manager.',
    kind: 'discount',
    cost: 150,
    stock: 40,
    perMemberLimit: 2,
  },
  {
    name: 'Gold lounge at the installer fair',
    description: 'Two passes to the Gold lounge at the autumn installer fair, with lunch and a product preview.',
    kind: 'experience',
    cost: 800,
    stock: 10,
    minTier: 'gold',
  },
  {
    name: 'Plant trees with Trees for Tomorrow',
    description: 'Every 100 points plant five trees in a reforestation project. We report back every quarter.',
    kind: 'donation',
    cost: 100,
  },
  {
    name: 'Early access: the new installer app',
    description: 'Join the beta of our new installer app before anyone else and tell the product team what you think.',
    kind: 'early-access',
    cost: 100,
    stock: 25,
  },
];

/**
 * A few redemptions in each state: [member email, reward name, what happens to it], in order,
 * within the demo members' balances (Ana 460, Ella 200; Bo's 1,280 stays as the dashboard shows it).
 */
const DEMO_REDEMPTIONS: Array<[string, string, RedemptionStatus]> = [
  ['ana@northwind.demo', '€10 hardware store gift card', 'fulfilled'],
  ['ana@northwind.demo', 'Plant trees with Trees for Tomorrow', 'fulfilled'],
  ['ana@northwind.demo', 'Early access: the new installer app', 'cancelled'],
  ['ella@contoso.demo', '10% off your next order', 'rejected'],
  ['ella@contoso.demo', 'Plant trees with Trees for Tomorrow', 'pending'],
  ['ella@contoso.demo', 'Early access: the new installer app', 'pending'],
];

/** Seeds the rewards demo once the demo program exists; idempotent (by name, fixed keys). */
@Injectable()
export class RewardsDemo {
  private readonly logger = new Logger(RewardsDemo.name);

  constructor(
    private readonly catalog: RewardCatalogService,
    private readonly rewards: RewardsRepository,
    private readonly redemptions: RedemptionService,
    private readonly records: RedemptionsRepository,
  ) {}

  @OnDomainEffect('demo.ready')
  async onDemoReady(demo: DemoReadyEvent): Promise<void> {
    const admin = demo.staff.find((person) => person.roles.includes('admin'));
    if (!admin) return;
    const adminPrincipal: Principal = { id: admin.id, roles: ['admin'], organizationId: null, teamId: null };
    const existing = new Map((await this.rewards.listAll(500)).map((reward) => [reward.name, reward]));
    let created = 0;
    for (const { codes, ...spec } of DEMO_REWARDS) {
      if (existing.has(spec.name)) continue;
      const reward = await this.catalog.create(adminPrincipal, spec);
      if (codes) await this.catalog.uploadCodes(reward.id, codes.join('\n'));
      existing.set(spec.name, (await this.rewards.find(new Types.ObjectId(reward.id)))!);
      created++;
    }
    let redeemed = 0;
    for (const [index, [email, rewardName, outcome]] of DEMO_REDEMPTIONS.entries()) {
      const member = demo.members.find((m) => m.email === email);
      const reward = existing.get(rewardName);
      if (!member || !reward) continue;
      const principal: Principal = {
        id: member.id,
        roles: ['member'],
        organizationId: member.organizationId,
        teamId: member.teamId,
      };
      try {
        const { redemption, created: isNew } = await this.redemptions.redeem(
          principal,
          reward._id.toHexString(),
          `demo-${index}`,
        );
        if (isNew) redeemed++;
        const current = await this.records.find(redemption._id);
        if (current?.state !== 'pending' || outcome === 'pending') continue;
        if (outcome === 'cancelled') await this.redemptions.decide(principal, redemption._id, 'cancelled');
        else
          await this.redemptions.decide(
            adminPrincipal,
            redemption._id,
            outcome,
            outcome === 'rejected'
              ? 'Sorry, this offer is not available for your account type.'
              : 'Sent to your email.',
          );
      } catch (error) {
        this.logger.warn(`Demo redemption ${email} → ${rewardName}: ${(error as Error).message}`);
      }
    }
    this.logger.log(`Rewards demo ready (${created} new rewards, ${redeemed} new redemptions)`);
  }
}
