import { Types } from 'mongoose';
import { inAudience, isOpen } from './challenge-progress';

describe('challenge audience and window', () => {
  const orgA = new Types.ObjectId();
  const orgB = new Types.ObjectId();

  it('treats empty lists as everyone', () => {
    expect(
      inAudience({ audience: { organizationIds: [], tiers: [] } }, { organizationId: null, tierKey: 'member' }),
    ).toBe(true);
  });

  it('needs both the organization and the tier to match', () => {
    const challenge = { audience: { organizationIds: [orgA], tiers: ['gold'] } };
    expect(inAudience(challenge, { organizationId: orgA.toHexString(), tierKey: 'gold' })).toBe(true);
    expect(inAudience(challenge, { organizationId: orgB.toHexString(), tierKey: 'gold' })).toBe(false);
    expect(inAudience(challenge, { organizationId: orgA.toHexString(), tierKey: 'silver' })).toBe(false);
  });

  it('is open from its start (inclusive) to its end (exclusive)', () => {
    const window = { startsAt: new Date('2026-11-23T09:00:00Z'), endsAt: new Date('2026-11-30T09:00:00Z') };
    expect(isOpen(window, new Date('2026-11-23T08:59:59Z'))).toBe(false);
    expect(isOpen(window, new Date('2026-11-23T09:00:00Z'))).toBe(true);
    expect(isOpen(window, new Date('2026-11-30T09:00:00Z'))).toBe(false);
  });
});
