import { ContentError } from './content-file';
import { checkTiers, tierFor } from './tiers';

const tier = (key: string, threshold: number) => ({ key, name: key, threshold, benefits: [] });
const file = (tiers: ReturnType<typeof tier>[]) => ({
  qualificationWindow: { months: 12 },
  downgradeGraceDays: 30,
  tiers,
});

describe('tiers', () => {
  const tiers = checkTiers(file([tier('gold', 5000), tier('member', 0), tier('silver', 1000)]), 'tiers.yaml');

  it('sorts by threshold', () => {
    expect(tiers.map((t) => t.key)).toEqual(['member', 'silver', 'gold']);
  });

  it.each([
    [0, 'member', 'silver'],
    [999, 'member', 'silver'],
    [1000, 'silver', 'gold'],
    [123456, 'gold', null],
  ])('%i qualifying points → %s, next %s', (points, key, next) => {
    const result = tierFor(tiers, points);
    expect(result.tier.key).toBe(key);
    expect(result.next?.key ?? null).toBe(next);
  });

  it('refuses a file without a base tier or with equal thresholds', () => {
    expect(() => checkTiers(file([tier('silver', 10)]), 'tiers.yaml')).toThrow(ContentError);
    expect(() => checkTiers(file([tier('a', 0), tier('b', 5), tier('c', 5)]), 'tiers.yaml')).toThrow(/share/);
  });
});
