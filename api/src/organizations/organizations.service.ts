import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { Types } from 'mongoose';
import { Page, toObjectId, toPage } from '../common/pagination';
import { isStaff, staffScope, type Principal } from '../common/roles';
import { TtlCache } from '../common/ttl-cache';
import { HubConfig } from '../config/hub-config';
import type { OrganizationDto, TeamDto } from './dto/organization.dto';
import { generateInviteCode, normalizeInviteCode } from './invite-code';
import { OrganizationsRepository } from './organizations.repository';
import type { Organization } from './schemas/organization.schema';
import type { Team } from './schemas/team.schema';

export const toOrganizationDto = (org: Organization): OrganizationDto => ({
  id: org._id.toHexString(),
  name: org.name,
  timezone: org.timezone,
  inviteCode: org.inviteCode,
});

export const toTeamDto = (team: Team): TeamDto => ({
  id: team._id.toHexString(),
  name: team.name,
  organizationId: team.organizationId.toHexString(),
  inviteCode: team.inviteCode,
});

/** Where a registration with an invite code lands. */
export interface InviteTarget {
  organization: Organization;
  team: Team | null;
}

/** Zones change rarely (an admin's edit); one made through another instance shows within this. */
const ZONE_TTL_MS = 60_000;

@Injectable()
export class OrganizationsService {
  private readonly zones = new TtlCache<string, string>(ZONE_TTL_MS, 10_000);

  constructor(
    private readonly repository: OrganizationsRepository,
    private readonly config: HubConfig,
  ) {}

  /**
   * The time zone an organization's periods (caps, boards, analytics days) are counted in; the
   * program's for no organization (staff) or an unknown one. The one place that looks it up.
   */
  async zoneOf(organizationId: Types.ObjectId | string | null): Promise<string> {
    if (!organizationId) return this.config.PROGRAM_TIMEZONE;
    const key = organizationId.toString();
    const zone = await this.zones.getOrLoad(
      key,
      async () =>
        (await this.repository.findOrganization(new Types.ObjectId(key)))?.timezone ?? this.config.PROGRAM_TIMEZONE,
    );
    return zone ?? this.config.PROGRAM_TIMEZONE;
  }

  async create(name: string, timezone: string, inviteCode = generateInviteCode()): Promise<OrganizationDto> {
    return toOrganizationDto(await this.repository.createOrganization({ name, timezone, inviteCode }));
  }

  /**
   * The organization if the caller may see it. Staff see every organization; a member only its
   * own, and anything else is answered as if it did not exist.
   */
  async getVisible(caller: Principal, id: string): Promise<Organization> {
    const organizationId = toObjectId(id, 'organization id');
    if (!isStaff(caller) && caller.organizationId !== organizationId.toHexString()) {
      throw new NotFoundException('Organization not found');
    }
    const organization = await this.repository.findOrganization(organizationId);
    if (!organization) throw new NotFoundException('Organization not found');
    return organization;
  }

  /**
   * The organization if the caller may manage it (its teams and invite codes): an admin, or staff
   * of the whole program (no organization of their own), any; staff bound to an organization, only
   * that one. They still read the others (403, not 404: they know it exists).
   */
  async getManageable(caller: Principal, id: string): Promise<Organization> {
    const organization = await this.getVisible(caller, id);
    const scope = staffScope(caller);
    if (scope && scope !== organization._id.toHexString()) {
      throw new ForbiddenException('You manage another organization: ask a program admin');
    }
    return organization;
  }

  async list(caller: Principal, limit: number, cursor?: string): Promise<Page<OrganizationDto>> {
    const only = isStaff(caller) ? undefined : caller.organizationId;
    if (!isStaff(caller) && !only) return { items: [], nextCursor: null };
    const rows = await this.repository.listOrganizations(
      limit + 1,
      cursor ? toObjectId(cursor, 'cursor') : undefined,
      only ? new Types.ObjectId(only) : undefined,
    );
    return toPage(rows, limit, toOrganizationDto);
  }

  async rotateInviteCode(caller: Principal, id: string): Promise<OrganizationDto> {
    const organization = await this.getManageable(caller, id);
    const updated = await this.repository.setOrganizationInviteCode(organization._id, generateInviteCode());
    return toOrganizationDto(updated!);
  }

  /** Renames an organization or moves it to another zone (its periods follow from then on). */
  async update(caller: Principal, id: string, changes: { name?: string; timezone?: string }): Promise<OrganizationDto> {
    const organization = await this.getVisible(caller, id);
    if (changes.name === undefined && changes.timezone === undefined) return toOrganizationDto(organization);
    const updated = await this.repository.updateOrganization(organization._id, changes);
    if (!updated) throw new NotFoundException('Organization not found');
    this.zones.delete(updated._id.toHexString());
    return toOrganizationDto(updated);
  }

  /** Replaces a team's invite code; the old one stops working. */
  async rotateTeamInviteCode(caller: Principal, organizationId: string, teamId: string): Promise<TeamDto> {
    const organization = await this.getManageable(caller, organizationId);
    const team = await this.repository.findTeam(toObjectId(teamId, 'team id'));
    if (!team || !team.organizationId.equals(organization._id)) throw new NotFoundException('Team not found');
    const updated = await this.repository.setTeamInviteCode(team._id, generateInviteCode());
    return toTeamDto(updated!);
  }

  async createTeam(caller: Principal, organizationId: string, name: string, inviteCode = generateInviteCode()) {
    const organization = await this.getManageable(caller, organizationId);
    return toTeamDto(await this.repository.createTeam({ organizationId: organization._id, name, inviteCode }));
  }

  async listTeams(caller: Principal, organizationId: string): Promise<TeamDto[]> {
    const organization = await this.getVisible(caller, organizationId);
    return (await this.repository.listTeams(organization._id)).map(toTeamDto);
  }

  /** Resolves an organization's or a team's invite code. */
  async resolveInviteCode(code: string): Promise<InviteTarget | null> {
    const normalized = normalizeInviteCode(code);
    const organization = await this.repository.findOrganizationByInviteCode(normalized);
    if (organization) return { organization, team: null };
    const team = await this.repository.findTeamByInviteCode(normalized);
    if (!team) return null;
    const teamOrganization = await this.repository.findOrganization(team.organizationId);
    return teamOrganization ? { organization: teamOrganization, team } : null;
  }

  /** Every organization's zone (leaderboard rebuilds). */
  async allTimezones(): Promise<Map<string, string>> {
    const zones = new Map<string, string>();
    for (let page = await this.repository.listOrganizations(500); page.length;) {
      page.forEach((org) => zones.set(org._id.toHexString(), org.timezone));
      page = await this.repository.listOrganizations(500, page[page.length - 1]._id);
    }
    return zones;
  }

  async organizationName(id: Types.ObjectId): Promise<string | null> {
    return (await this.repository.findOrganization(id))?.name ?? null;
  }

  async teamName(id: Types.ObjectId): Promise<string | null> {
    return (await this.repository.findTeam(id))?.name ?? null;
  }

  /** Idempotent creation by name, for content and demo loading. */
  async ensureOrganization(name: string, timezone: string, inviteCode: string): Promise<Organization> {
    return (
      (await this.repository.findOrganizationByName(name)) ??
      (await this.repository.createOrganization({ name, timezone, inviteCode }))
    );
  }

  async ensureTeam(organizationId: Types.ObjectId, name: string, inviteCode: string): Promise<Team> {
    return (
      (await this.repository.findTeamByName(organizationId, name)) ??
      (await this.repository.createTeam({ organizationId, name, inviteCode }))
    );
  }
}
