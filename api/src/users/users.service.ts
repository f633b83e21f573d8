import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { Types } from 'mongoose';
import { audienceUsersFilter } from '../common/audience/audience';
import type { AudienceFields } from '../common/audience/audience.schema';
import { Page, toObjectId, toPage } from '../common/pagination';
import { isStaff, type Principal, type Role } from '../common/roles';
import { TtlCache } from '../common/ttl-cache';
import type { MemberSummaryDto, UpdateMeDto, UserDto } from './dto/user.dto';
import { UserRecord, UsersRepository } from './users.repository';

export function toUserDto(user: UserRecord): UserDto {
  return {
    id: user._id.toHexString(),
    email: user.email,
    displayName: user.displayName,
    roles: user.roles,
    organizationId: user.organizationId?.toHexString() ?? null,
    teamId: user.teamId?.toHexString() ?? null,
    locale: user.locale,
    timezone: user.timezone,
    leaderboardOptIn: user.leaderboardOptIn,
  };
}

export function toPrincipal(user: UserRecord): Principal {
  return {
    id: user._id.toHexString(),
    roles: user.roles,
    organizationId: user.organizationId?.toHexString() ?? null,
    teamId: user.teamId?.toHexString() ?? null,
  };
}

/**
 * How long a user's record is remembered between requests. Every authenticated request needs who a
 * token names (roles, organization, team), and awards, redemptions and audiences need the member's
 * organization and tier; on FerretDB each look-up costs about a millisecond of database CPU. A role
 * or tier change made through this process applies at once; one made through another instance (or
 * any other change to the record) within this time.
 */
const RECORD_TTL_MS = 5_000;

@Injectable()
export class UsersService {
  /** One cache for the principal (auth) and the member (engine, rewards): one read per user and period. */
  private readonly records = new TtlCache<string, UserRecord>(RECORD_TTL_MS);

  constructor(private readonly users: UsersRepository) {}

  async get(id: string): Promise<UserRecord> {
    const user = await this.users.findById(toObjectId(id));
    if (!user) throw new NotFoundException('User not found');
    return user;
  }

  find(id: Types.ObjectId): Promise<UserRecord | null> {
    return this.users.findById(id);
  }

  /** The user's record as read within RECORD_TTL_MS (see there); null when there is none. */
  recent(id: Types.ObjectId): Promise<UserRecord | null> {
    return this.records.getOrLoad(id.toHexString(), () => this.users.findById(id));
  }

  /** The next `recent` reads the record again (it changed here). */
  forget(id: string): void {
    this.records.delete(id);
  }

  /** Users by id in one query, for naming the rows of a list. */
  async findMany(ids: Types.ObjectId[]): Promise<Map<string, UserRecord>> {
    const unique = [...new Map(ids.map((id) => [id.toHexString(), id])).values()];
    const rows = await this.users.findByIds(unique);
    return new Map(rows.map((row) => [row._id.toHexString(), row]));
  }

  /** The members of a team at this moment (team challenges credit each). */
  teamMembers(teamId: Types.ObjectId): Promise<UserRecord[]> {
    return this.users.listTeamMembers(teamId);
  }

  /** Who the user a token names is now, or null when the account no longer exists. */
  async principalFor(id: string): Promise<Readonly<Principal> | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    const user = await this.recent(new Types.ObjectId(id));
    return user ? Object.freeze(toPrincipal(user)) : null;
  }

  async updateProfile(principal: Principal, changes: UpdateMeDto): Promise<UserRecord> {
    const user = await this.users.updateProfile(toObjectId(principal.id), changes);
    if (!user) throw new NotFoundException('User not found');
    return user;
  }

  async setRoles(userId: string, roles: Role[]): Promise<UserDto> {
    const target = await this.get(userId);
    if (roles.includes('member') && !target.organizationId) {
      throw new ForbiddenException('A member must belong to an organization');
    }
    const user = await this.users.setRoles(target._id, roles);
    this.forget(userId);
    return toUserDto(user!);
  }

  /** An organization's people; the caller's scope was checked by the organizations service. */
  async listMembers(
    caller: Principal,
    organizationId: Types.ObjectId,
    limit: number,
    cursor?: string,
  ): Promise<Page<MemberSummaryDto>> {
    const rows = await this.users.listByOrganization(
      organizationId,
      limit + 1,
      cursor ? toObjectId(cursor) : undefined,
    );
    const showEmail = isStaff(caller);
    return toPage(rows, limit, (user) => ({
      id: user._id.toHexString(),
      displayName: user.displayName,
      teamId: user.teamId?.toHexString() ?? null,
      roles: user.roles,
      ...(showEmail ? { email: user.email } : {}),
    }));
  }

  /** Users by name or email for the admin console (any organization, staff included). */
  async search(text: string | undefined, organizationId: string | undefined, limit: number, cursor?: string) {
    const rows = await this.users.search(
      { text: text?.trim() || undefined, organizationId: organizationId ? toObjectId(organizationId) : undefined },
      limit + 1,
      cursor ? toObjectId(cursor) : undefined,
    );
    return toPage(rows, limit, toUserDto);
  }

  /** How many members an audience aims at now (a campaign's audience size). */
  countInAudience(audience: Partial<AudienceFields> | undefined): Promise<number> {
    return this.users.countMatching(audienceUsersFilter(audience));
  }

  /** The members an audience aims at, a page at a time in `_id` order (`after`: the last one seen). */
  pageInAudience(
    audience: Partial<AudienceFields> | undefined,
    limit: number,
    after?: Types.ObjectId,
  ): Promise<UserRecord[]> {
    return this.users.listMatching(audienceUsersFilter(audience), limit, after);
  }
}
