import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { olderThan } from '../common/pagination';
import { AtomicWrites } from '../database/atomic-writes';
import { Organization } from './schemas/organization.schema';
import { Team } from './schemas/team.schema';

/** The only place that touches organizations and teams. */
@Injectable()
export class OrganizationsRepository {
  constructor(
    @InjectModel(Organization.name) private readonly organizations: Model<Organization>,
    @InjectModel(Team.name) private readonly teams: Model<Team>,
    private readonly atomic: AtomicWrites,
  ) {}

  async createOrganization(data: Pick<Organization, 'name' | 'timezone' | 'inviteCode'>): Promise<Organization> {
    return (await this.organizations.create(data)).toObject();
  }

  findOrganization(id: Types.ObjectId): Promise<Organization | null> {
    return this.organizations.findById(id).lean<Organization>().exec();
  }

  findOrganizationByName(name: string): Promise<Organization | null> {
    return this.organizations.findOne({ name }).lean<Organization>().exec();
  }

  /** Organizations, newest first; `only` restricts to one (a member's own). */
  listOrganizations(limit: number, after?: Types.ObjectId, only?: Types.ObjectId): Promise<Organization[]> {
    const filter: Record<string, unknown> = {};
    if (only) filter._id = only;
    else if (after) filter._id = olderThan(after);
    return this.organizations.find(filter).sort({ _id: -1 }).limit(limit).lean<Organization[]>().exec();
  }

  findOrganizationByInviteCode(inviteCode: string): Promise<Organization | null> {
    return this.organizations.findOne({ inviteCode }).lean<Organization>().exec();
  }

  async setOrganizationInviteCode(id: Types.ObjectId, inviteCode: string): Promise<Organization | null> {
    const result = await this.atomic.updateOne(
      this.organizations,
      { _id: id },
      { $set: { inviteCode } },
      { returnDocument: 'after' },
    );
    return result.doc;
  }

  /** An admin's edit of name and/or zone; null when the organization does not exist. */
  async updateOrganization(
    id: Types.ObjectId,
    changes: Partial<Pick<Organization, 'name' | 'timezone'>>,
  ): Promise<Organization | null> {
    const result = await this.atomic.updateOne(
      this.organizations,
      { _id: id },
      { $set: changes },
      { returnDocument: 'after' },
    );
    return result.doc;
  }

  async setTeamInviteCode(id: Types.ObjectId, inviteCode: string): Promise<Team | null> {
    const result = await this.atomic.updateOne(
      this.teams,
      { _id: id },
      { $set: { inviteCode } },
      { returnDocument: 'after' },
    );
    return result.doc;
  }

  async createTeam(data: Pick<Team, 'organizationId' | 'name' | 'inviteCode'>): Promise<Team> {
    return (await this.teams.create(data)).toObject();
  }

  findTeam(id: Types.ObjectId): Promise<Team | null> {
    return this.teams.findById(id).lean<Team>().exec();
  }

  findTeamByInviteCode(inviteCode: string): Promise<Team | null> {
    return this.teams.findOne({ inviteCode }).lean<Team>().exec();
  }

  findTeamByName(organizationId: Types.ObjectId, name: string): Promise<Team | null> {
    return this.teams.findOne({ organizationId, name }).lean<Team>().exec();
  }

  /** Teams are few per organization (tens), so the list is not paginated. */
  listTeams(organizationId: Types.ObjectId): Promise<Team[]> {
    return this.teams.find({ organizationId }).sort({ name: 1 }).limit(500).lean<Team[]>().exec();
  }
}
