import { BadRequestException } from '@nestjs/common';
import { Types } from 'mongoose';
import { audienceFilter, inAudience, mapAudience, toAudience } from './audience';

const orgA = new Types.ObjectId();
const orgB = new Types.ObjectId();
const member = (organizationId: Types.ObjectId | null, tierKey = 'member', roles = ['member']) => ({
  organizationId: organizationId?.toHexString() ?? null,
  tierKey,
  roles,
});

describe('inAudience', () => {
  it('treats empty (or missing) lists as everyone', () => {
    expect(inAudience({ organizationIds: [], tiers: [], roles: [] }, member(null))).toBe(true);
    expect(inAudience({ organizationIds: [], tiers: [] }, member(orgA))).toBe(true);
    expect(inAudience(undefined, member(orgA))).toBe(true);
  });

  it('needs the organization, the tier and a role to match', () => {
    const audience = { organizationIds: [orgA], tiers: ['gold'], roles: [] };
    expect(inAudience(audience, member(orgA, 'gold'))).toBe(true);
    expect(inAudience(audience, member(orgB, 'gold'))).toBe(false);
    expect(inAudience(audience, member(orgA, 'silver'))).toBe(false);
    const productOnly = { organizationIds: [], tiers: [], roles: ['product' as const] };
    expect(inAudience(productOnly, member(orgA, 'gold', ['member']))).toBe(false);
    expect(inAudience(productOnly, member(null, 'member', ['product', 'manager']))).toBe(true);
  });
});

describe('audienceFilter', () => {
  it('asks, for each list, "empty, missing, or holding mine" (the database answers; e2e tests run it)', () => {
    const filter = audienceFilter(member(orgA, 'gold', ['member'])) as { $and: Array<{ $or: object[] }> };
    expect(filter.$and).toHaveLength(3);
    expect(filter.$and.every((clause) => clause.$or.length === 3)).toBe(true);
    expect(JSON.stringify(filter)).toContain(orgA.toHexString());
  });
});

describe('toAudience', () => {
  it('refuses an unknown tier, naming it', () => {
    expect(() => toAudience({ tiers: ['diamond'] }, ['member', 'gold'])).toThrow(BadRequestException);
    expect(() => toAudience({ tiers: ['diamond'] }, ['member', 'gold'])).toThrow(/diamond/);
  });

  it('stores ids as ObjectIds without duplicates and maps back to strings', () => {
    const stored = toAudience({ organizationIds: [orgA.toHexString(), orgA.toHexString()], roles: ['member'] }, []);
    expect(stored.organizationIds).toHaveLength(1);
    expect(mapAudience(stored)).toEqual({ organizationIds: [orgA.toHexString()], tiers: [], roles: ['member'] });
  });
});
