import { rankItems } from './leaderboard-store';

describe('rankItems', () => {
  it('lets equal points share a rank and skips the ranks they use', () => {
    const ranked = rankItems([
      { points: 90 },
      { points: 70 },
      { points: 70 },
      { points: 50 },
      { points: 50 },
      { points: 10 },
    ]);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 2, 4, 4, 6]);
  });

  it('handles an empty board', () => {
    expect(rankItems([])).toEqual([]);
  });
});
