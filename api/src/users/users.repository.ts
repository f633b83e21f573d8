import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { olderThan } from '../common/pagination';
import { AtomicWrites } from '../database/atomic-writes';
import type { Role } from '../common/roles';
import { MemberCount } from './schemas/member-count.schema';
import { User } from './schemas/user.schema';

const PROGRAM_COUNT = 'program';
const isMember = (roles: readonly string[] | undefined) => Boolean(roles?.includes('member'));

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

/** `_id` look-ups one `findByIds` has in flight at once. */
const LOOKUPS_AT_ONCE = 50;

/** The only place that touches the users collection; every update is atomic by contract (AtomicWrites). */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly atomic: AtomicWrites,
    @InjectModel(MemberCount.name) private readonly counts: Model<MemberCount>,
  ) {}

  async create(user: NewUser): Promise<UserRecord> {
    const created = (await this.users.create(user)).toObject();
    if (isMember(created.roles)) await this.countMember(created.organizationId, 1);
    return created;
  }

  findById(id: Types.ObjectId): Promise<UserRecord | null> {
    return this.users.findById(id).lean<UserRecord>().exec();
  }

  /**
   * Several users (names for a page of a list, a batch of an export), one `_id` look-up each, all
   * at once: FerretDB answers `_id: {$in}` by scanning every user (a 10,000-row CSV export took
   * 38 s, 50 scans of the users), but each `_id` from its index. Missing ones are left out.
   */
  async findByIds(ids: Types.ObjectId[]): Promise<UserRecord[]> {
    const found: Array<UserRecord | null> = [];
    // At most LOOKUPS_AT_ONCE in flight: a 200-row export batch at once grew the hub's RSS by 30 MB.
    for (let start = 0; start < ids.length; start += LOOKUPS_AT_ONCE) {
      const chunk = ids.slice(start, start + LOOKUPS_AT_ONCE);
      found.push(
        ...(await Promise.all(
          chunk.map((id) => this.users.findById(id).select({ passwordHash: 0 }).lean<UserRecord>().exec()),
        )),
      );
    }
    return found.filter((user): user is UserRecord => user !== null);
  }

  findByEmail(email: string): Promise<UserRecord | null> {
    return this.users.findOne({ email: email.toLowerCase() }).lean<UserRecord>().exec();
  }

  async anyAdminExists(): Promise<boolean> {
    return (await this.users.exists({ roles: 'admin' })) !== null;
  }

  async updateProfile(id: Types.ObjectId, changes: ProfileChanges): Promise<UserRecord | null> {
    return (await this.atomic.updateOne(this.users, { _id: id }, { $set: changes }, { returnDocument: 'after' })).doc;
  }

  /** Moves a member from one tier to another; null when the tier was no longer `from`. */
  async changeTier(id: Types.ObjectId, from: string, to: string): Promise<UserRecord | null> {
    const result = await this.atomic.updateOne(
      this.users,
      { _id: id, tierKey: from },
      { $set: { tierKey: to, tierBelowSince: null } },
      { returnDocument: 'after' },
    );
    return result.changed ? result.doc : null;
  }

  /**
   * Starts (a date) or stops (null) the downgrade grace clock, only while the member is still in
   * `tier` (a concurrent upgrade wins).
   */
  async setTierBelowSince(id: Types.ObjectId, tier: string, since: Date | null): Promise<void> {
    await this.atomic.updateOne(this.users, { _id: id, tierKey: tier }, { $set: { tierBelowSince: since } });
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

  async setRoles(id: Types.ObjectId, roles: Role[]): Promise<UserRecord | null> {
    const { changed, doc: before } = await this.atomic.updateOne(this.users, { _id: id }, { $set: { roles } });
    if (!changed || !before) return null;
    const delta = Number(isMember(roles)) - Number(isMember(before.roles));
    if (delta) await this.countMember(before.organizationId, delta);
    return { ...before, roles };
  }

  /** Users holding the member role in an organization, or (null) in the program: one `_id` read. */
  async memberCount(organizationId: string | null): Promise<number> {
    const doc = await this.counts
      .findById(organizationId ?? PROGRAM_COUNT)
      .lean<MemberCount>()
      .exec();
    return doc?.members ?? 0;
  }

  /** Sets every member count from the users (one scan): the analytics rebuild. */
  async recountMembers(): Promise<void> {
    const byOrganization = await this.countMembersByOrganization();
    const total = [...byOrganization.values()].reduce((sum, n) => sum + n, 0);
    await this.counts.deleteMany({}).exec();
    const docs = [...byOrganization].filter(([id]) => id).map(([_id, members]) => ({ _id, members }));
    await this.counts.insertMany([...docs, { _id: PROGRAM_COUNT, members: total }], { ordered: false });
  }

  private async countMember(organizationId: Types.ObjectId | null, by: number): Promise<void> {
    const ids = [PROGRAM_COUNT, ...(organizationId ? [organizationId.toHexString()] : [])];
    for (const _id of ids)
      await this.atomic.updateOne(this.counts, { _id }, { $inc: { members: by } }, { upsert: true });
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

  /**
   * Users for the admin console, newest first: those whose name or email contains `text`
   * (case-insensitive; the text is escaped, never a pattern), optionally in one organization.
   */
  search(
    query: { text?: string; organizationId?: Types.ObjectId },
    limit: number,
    after?: Types.ObjectId,
  ): Promise<UserRecord[]> {
    const filter: Record<string, unknown> = {};
    if (query.organizationId) filter.organizationId = query.organizationId;
    if (after) filter._id = olderThan(after);
    if (query.text) {
      const pattern = new RegExp(query.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
      filter.$or = trusted([{ displayName: pattern }, { email: pattern }]);
    }
    return this.users
      .find(filter)
      .sort({ _id: -1 })
      .limit(limit)
      .select({ passwordHash: 0 })
      .lean<UserRecord[]>()
      .exec();
  }

  /** How many users match a filter built by `audienceUsersFilter` (a campaign's audience size). */
  countMatching(filter: Record<string, unknown>): Promise<number> {
    return this.users.countDocuments(filter).exec();
  }

  /** Users matching such a filter, a page at a time in `_id` order (the reminder sweep walks them). */
  listMatching(filter: Record<string, unknown>, limit: number, after?: Types.ObjectId): Promise<UserRecord[]> {
    const query = after ? { ...filter, _id: trusted({ $gt: after }) } : filter;
    return this.users.find(query).sort({ _id: 1 }).limit(limit).select({ passwordHash: 0 }).lean<UserRecord[]>().exec();
  }

  /** Users holding the member role, per organization (analytics): one scan, grouped. */
  async countMembersByOrganization(): Promise<Map<string, number>> {
    const rows = await this.users
      .aggregate<{ _id: Types.ObjectId | null; count: number }>([
        { $match: { roles: 'member' } },
        { $group: { _id: '$organizationId', count: { $sum: 1 } } },
      ])
      .exec();
    return new Map(rows.map((row) => [row._id?.toHexString() ?? '', row.count]));
  }
}
