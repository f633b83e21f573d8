import { BadRequestException } from '@nestjs/common';
import { trusted, Types } from 'mongoose';
import type { Role } from '../roles';
import type { AudienceDto } from './audience.dto';
import type { AudienceFields } from './audience.schema';

/**
 * Who a challenge, event, campaign or reward is aimed at: organizations, tiers and roles, each
 * an empty list for "everyone". One definition for every domain: `audienceFilter` puts it into a
 * list's query (so a list never filters in memory after a capped read), `inAudience` answers for
 * one document already read.
 */
export interface AudienceMember {
  organizationId: string | null;
  tierKey: string;
  roles: readonly string[];
}

/** The audience-relevant facts of a user record (or a principal plus its tier). */
export function audienceMember(user: {
  organizationId: Types.ObjectId | string | null;
  tierKey: string;
  roles: readonly Role[] | readonly string[];
}): AudienceMember {
  return { organizationId: user.organizationId?.toString() ?? null, tierKey: user.tierKey, roles: user.roles };
}

/** Whether `member` is in `audience` (documents written before `roles` existed have none). */
export function inAudience(audience: Partial<AudienceFields> | undefined, member: AudienceMember): boolean {
  const organizations = audience?.organizationIds ?? [];
  const tiers = audience?.tiers ?? [];
  const roles = audience?.roles ?? [];
  return (
    (!organizations.length || organizations.some((id) => id.toString() === member.organizationId)) &&
    (!tiers.length || tiers.includes(member.tierKey)) &&
    (!roles.length || roles.some((role) => member.roles.includes(role)))
  );
}

/** The same rule as a MongoDB filter on the document's `field` (default `audience`). */
export function audienceFilter(member: AudienceMember, field = 'audience'): Record<string, unknown> {
  // Operators are ours, so they are marked trusted: the global sanitizeFilter neutralizes any other.
  const everyoneOr = (list: string, match: unknown) => ({
    $or: [
      { [`${field}.${list}`]: trusted({ $exists: false }) },
      { [`${field}.${list}`]: trusted({ $size: 0 }) },
      { [`${field}.${list}`]: match },
    ],
  });
  return {
    $and: [
      everyoneOr(
        'organizationIds',
        member.organizationId ? new Types.ObjectId(member.organizationId) : '__no-organization__',
      ),
      everyoneOr('tiers', member.tierKey),
      everyoneOr('roles', trusted({ $in: [...member.roles] })),
    ],
  };
}

/** A request's audience as stored; unknown tiers are refused (400) with the tier named. */
export function toAudience(input: AudienceDto | undefined, tierKeys: readonly string[]): AudienceFields {
  const unknownTier = input?.tiers?.find((tier) => !tierKeys.includes(tier));
  if (unknownTier) throw new BadRequestException(`audience.tiers: unknown tier "${unknownTier}"`);
  return {
    organizationIds: [...new Set(input?.organizationIds ?? [])].map((id) => new Types.ObjectId(id)),
    tiers: [...new Set(input?.tiers ?? [])],
    roles: [...new Set(input?.roles ?? [])],
  };
}

/** The stored audience as the API shows it. */
export function mapAudience(audience: Partial<AudienceFields> | undefined): Required<AudienceDto> {
  return {
    organizationIds: (audience?.organizationIds ?? []).map((id) => id.toHexString()),
    tiers: audience?.tiers ?? [],
    roles: audience?.roles ?? [],
  };
}

/**
 * The members (users with the `member` role) an audience aims at, as a filter on the users
 * collection: the reverse of `audienceFilter` (which finds the documents aimed at one member).
 */
export function audienceUsersFilter(audience: Partial<AudienceFields> | undefined): Record<string, unknown> {
  const roles = audience?.roles ?? [];
  const filter: Record<string, unknown> = roles.length
    ? { $and: [{ roles: 'member' }, { roles: trusted({ $in: [...roles] }) }] }
    : { roles: 'member' };
  if (audience?.organizationIds?.length) filter.organizationId = trusted({ $in: [...audience.organizationIds] });
  if (audience?.tiers?.length) filter.tierKey = trusted({ $in: [...audience.tiers] });
  return filter;
}
