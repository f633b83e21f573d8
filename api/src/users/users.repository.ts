import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { olderThan } from '../common/pagination';
import type { Role } from '../common/roles';
import { User } from './schemas/user.schema';

export type UserRecord = User;

export interface NewUser {
  email: string;
  passwordHash: string;
  displayName: string;
  roles: Role[];
  organizationId: Types.ObjectId | null;
  teamId: Types.ObjectId | null;
  referredByCode?: string | null;
}

export type ProfileChanges = Partial<Pick<User, 'displayName' | 'locale' | 'timezone' | 'leaderboardOptIn'>>;

/** The only place that touches the users collection. */
@Injectable()
export class UsersRepository {
  constructor(@InjectModel(User.name) private readonly users: Model<User>) {}

  async create(user: NewUser): Promise<UserRecord> {
    const created = await this.users.create(user);
    return created.toObject();
  }

  findById(id: Types.ObjectId): Promise<UserRecord | null> {
    return this.users.findById(id).lean<UserRecord>().exec();
  }

  findByEmail(email: string): Promise<UserRecord | null> {
    return this.users.findOne({ email: email.toLowerCase() }).lean<UserRecord>().exec();
  }

  async anyAdminExists(): Promise<boolean> {
    return (await this.users.exists({ roles: 'admin' })) !== null;
  }

  updateProfile(id: Types.ObjectId, changes: ProfileChanges): Promise<UserRecord | null> {
    return this.users.findByIdAndUpdate(id, { $set: changes }, { returnDocument: 'after' }).lean<UserRecord>().exec();
  }

  /** Moves a member from one tier to another; null when the tier was no longer `from`. */
  changeTier(id: Types.ObjectId, from: string, to: string): Promise<UserRecord | null> {
    return this.users
      .findOneAndUpdate(
        { _id: id, tierKey: from },
        { $set: { tierKey: to, tierBelowSince: null } },
        { returnDocument: 'after' },
      )
      .lean<UserRecord>()
      .exec();
  }

  async setTierBelowSince(id: Types.ObjectId, since: Date | null): Promise<void> {
    await this.users.updateOne({ _id: id }, { $set: { tierBelowSince: since } }).exec();
  }

  /** Members above the base tier, a page at a time (the tier review walks them all). */
  listAboveTier(baseTier: string, limit: number, after?: Types.ObjectId): Promise<UserRecord[]> {
    const filter: Record<string, unknown> = { tierKey: trusted({ $ne: baseTier }) };
    if (after) filter._id = trusted({ $gt: after });
    return this.users.find(filter).sort({ _id: 1 }).limit(limit).lean<UserRecord[]>().exec();
  }

  /** Every member's team (the leaderboard rebuild needs them all). */
  async teamsOfMembers(): Promise<Map<string, string | null>> {
    const rows = await this.users
      .find({ organizationId: trusted({ $ne: null }) })
      .select({ teamId: 1 })
      .lean<Pick<UserRecord, '_id' | 'teamId'>[]>()
      .exec();
    return new Map(rows.map((row) => [row._id.toHexString(), row.teamId?.toHexString() ?? null]));
  }

  /** Members of a team (team challenges credit each of them). */
  listTeamMembers(teamId: Types.ObjectId): Promise<UserRecord[]> {
    return this.users.find({ teamId }).select({ passwordHash: 0 }).limit(10_000).lean<UserRecord[]>().exec();
  }

  setRoles(id: Types.ObjectId, roles: Role[]): Promise<UserRecord | null> {
    return this.users.findByIdAndUpdate(id, { $set: { roles } }, { returnDocument: 'after' }).lean<UserRecord>().exec();
  }

  /** One organization's people, newest first; `after` is the last `_id` of the previous page. */
  listByOrganization(organizationId: Types.ObjectId, limit: number, after?: Types.ObjectId): Promise<UserRecord[]> {
    const filter = after ? { organizationId, _id: olderThan(after) } : { organizationId };
    return this.users
      .find(filter)
      .sort({ _id: -1 })
      .limit(limit)
      .select({ passwordHash: 0 })
      .lean<UserRecord[]>()
      .exec();
  }
}
