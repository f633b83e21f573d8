import { Injectable, Logger } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import { LedgerService } from '../ledger/ledger.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { UsersRepository } from '../users/users.repository';
import { DateTime } from 'luxon';
import { ChallengesService } from '../challenges/challenges.service';
import { toPrincipal } from '../users/users.service';
import { DomainEventBus } from '../common/domain-event-bus';
import type { DemoReadyEvent } from '../common/domain-events';
import { DEMO_CHALLENGES, DEMO_MEMBERS, DEMO_ORGANIZATIONS, DEMO_PASSWORD, DEMO_STAFF } from './demo-data';

/**
 * Loads the demo program. Idempotent: everything is found by name or email first, and history
 * goes through the ledger with fixed idempotency keys, so a second run adds nothing.
 */
@Injectable()
export class DemoDataService {
  private readonly logger = new Logger(DemoDataService.name);

  constructor(
    private readonly organizations: OrganizationsService,
    private readonly auth: AuthService,
    private readonly users: UsersRepository,
    private readonly ledger: LedgerService,
    private readonly challenges: ChallengesService,
    private readonly events: DomainEventBus,
  ) {}

  async load(): Promise<void> {
    const organizationIds = new Map<string, Awaited<ReturnType<OrganizationsService['ensureOrganization']>>>();
    const teamIds = new Map<string, Awaited<ReturnType<OrganizationsService['ensureTeam']>>>();
    for (const spec of DEMO_ORGANIZATIONS) {
      const organization = await this.organizations.ensureOrganization(spec.name, spec.timezone, spec.inviteCode);
      organizationIds.set(spec.name, organization);
      for (const team of spec.teams) {
        teamIds.set(team.name, await this.organizations.ensureTeam(organization._id, team.name, team.inviteCode));
      }
    }

    for (const staff of DEMO_STAFF) {
      await this.auth.createStaff(staff.email, DEMO_PASSWORD, staff.displayName, [...staff.roles]);
    }

    let recorded = 0;
    const members: DemoReadyEvent['members'] = [];
    for (const member of DEMO_MEMBERS) {
      const organization = organizationIds.get(member.organization)!;
      const user =
        (await this.users.findByEmail(member.email)) ??
        (await this.users.create({
          email: member.email,
          passwordHash: await this.auth.hashPassword(DEMO_PASSWORD),
          displayName: member.displayName,
          roles: ['member'],
          organizationId: organization._id,
          teamId: member.team ? teamIds.get(member.team)!._id : null,
        }));
      members.push({
        id: user._id.toHexString(),
        email: user.email,
        displayName: user.displayName,
        organizationId: organization._id.toHexString(),
        teamId: user.teamId?.toHexString() ?? null,
      });
      for (const [index, item] of member.history.entries()) {
        const result = await this.ledger.record({
          userId: user._id,
          organizationId: organization._id,
          amount: item.amount,
          kind: 'earn',
          reason: item.reason,
          source: { type: 'demo', id: null },
          idempotencyKey: `demo:${member.email}:${index}`,
        });
        if (!result.duplicate) recorded++;
      }
    }
    const created = await this.loadChallenges();
    const staff: DemoReadyEvent['staff'] = [];
    for (const person of DEMO_STAFF) {
      const user = (await this.users.findByEmail(person.email))!;
      staff.push({ id: user._id.toHexString(), email: user.email, roles: user.roles });
    }
    // Every domain seeds its own demo data (courses' progress, events, campaigns, rewards…).
    await this.events.publish('demo.ready', {
      organizations: Object.fromEntries([...organizationIds].map(([name, org]) => [name, org._id.toHexString()])),
      teams: Object.fromEntries([...teamIds].map(([name, team]) => [name, team._id.toHexString()])),
      members,
      staff,
    });
    this.logger.log(`Demo data ready (${recorded} new ledger entries, ${created} new challenges)`);
  }

  /** Adds the demo challenges that do not exist yet (matched by title). */
  private async loadChallenges(): Promise<number> {
    const manager = await this.users.findByEmail(DEMO_STAFF[1].email);
    const existing = new Set((await this.challenges.list(toPrincipal(manager!))).map((c) => c.title));
    const startsAt = DateTime.now().minus({ days: 1 }).startOf('day');
    let created = 0;
    for (const challenge of DEMO_CHALLENGES.filter((c) => !existing.has(c.title))) {
      await this.challenges.create(toPrincipal(manager!), {
        ...challenge,
        goal: 'goal' in challenge ? { ...challenge.goal } : undefined,
        startsAt: startsAt.toUTC().toISO(),
        endsAt: startsAt.plus({ days: 15 }).toUTC().toISO(),
      });
      created++;
    }
    return created;
  }
}
