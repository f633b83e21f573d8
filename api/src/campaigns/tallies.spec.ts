import type { Question } from './schemas/campaign.schema';
import {
  fullIncrements,
  hiddenGroups,
  npsGroup,
  npsResult,
  npsScore,
  questionResults,
  weekIncrements,
} from './tallies';

const questions: Question[] = [
  { id: 'nps', type: 'nps', prompt: 'NPS', options: [], required: true },
  { id: 'rate', type: 'rating', prompt: 'Rate', options: [], required: false },
  { id: 'pick', type: 'single', prompt: 'Pick', options: ['Red', 'Blue'], required: false },
  { id: 'many', type: 'multi', prompt: 'Many', options: ['A', 'B', 'C'], required: false },
  { id: 'why', type: 'text', prompt: 'Why', options: [], required: false },
];

describe('NPS arithmetic', () => {
  it('groups 9–10 as promoters, 7–8 as passives, 0–6 as detractors', () => {
    expect([0, 6, 7, 8, 9, 10].map(npsGroup)).toEqual([
      'detractors',
      'detractors',
      'passives',
      'passives',
      'promoters',
      'promoters',
    ]);
  });

  it('is % promoters − % detractors: 25 from 10, 9, 7, 3', () => {
    expect(npsScore({ promoters: 2, passives: 1, detractors: 1 })).toBe(25);
  });

  it('rounds half away from zero, both ways, and never gives -0', () => {
    expect(npsScore({ promoters: 1, passives: 6, detractors: 0 })).toBe(14); // 14.29
    expect(npsScore({ promoters: 1, passives: 7, detractors: 0 })).toBe(13); // 12.5
    expect(npsScore({ promoters: 0, passives: 7, detractors: 1 })).toBe(-13); // -12.5
    expect(npsScore({ promoters: 0, passives: 2, detractors: 1 })).toBe(-33);
    expect(npsScore({ promoters: 1, passives: 0, detractors: 1 })).toBe(0);
    expect(Object.is(npsScore({ promoters: 0, passives: 300, detractors: 1 }), 0)).toBe(true); // -0.33 → 0
  });

  it('has no score without answers, and runs from -100 to 100', () => {
    expect(npsScore(undefined)).toBeNull();
    expect(npsScore({})).toBeNull();
    expect(npsResult(undefined)).toEqual({ score: null, promoters: 0, passives: 0, detractors: 0 });
    expect(npsScore({ promoters: 3 })).toBe(100);
    expect(npsScore({ detractors: 3 })).toBe(-100);
  });
});

describe('tallies', () => {
  it('turns a response into increments per value, option index and NPS group', () => {
    const part = fullIncrements(questions, { nps: 9, rate: 4, pick: 'Blue', many: ['A', 'C'], why: 'Great' });
    expect(part.inc).toEqual({
      responses: 1,
      'q.nps.n': 1,
      'q.nps.sum': 9,
      'q.nps.d.9': 1,
      'q.rate.n': 1,
      'q.rate.sum': 4,
      'q.rate.d.4': 1,
      'q.pick.n': 1,
      'q.pick.d.1': 1,
      'q.many.n': 1,
      'q.many.d.0': 1,
      'q.many.d.2': 1,
      'q.why.n': 1,
      'nps.promoters': 1,
    });
    expect(part.texts).toEqual({ why: 'Great' });
    expect(weekIncrements(part).inc).toEqual({ responses: 1, 'nps.promoters': 1 });
  });

  it('counts only what was answered', () => {
    expect(fullIncrements(questions, { nps: 0 }).inc).toEqual({
      responses: 1,
      'q.nps.n': 1,
      'q.nps.sum': 0,
      'q.nps.d.0': 1,
      'nps.detractors': 1,
    });
  });

  it('reads results back: every value and option (zeros too), averages, latest texts newest first', () => {
    const tally = {
      q: {
        nps: { n: 4, sum: 29, d: { '10': 1, '9': 1, '7': 1, '3': 1 } },
        rate: { n: 3, sum: 11, d: { '5': 1, '4': 1, '2': 1 } },
        pick: { n: 3, d: { '0': 2, '1': 1 } },
        many: { n: 2, d: { '0': 1, '1': 2 } },
        why: { n: 2, latest: ['first', 'second'] },
      },
    };
    const results = Object.fromEntries(questionResults(questions, tally).map((r) => [r.id, r]));
    expect(results.nps.distribution).toEqual({ 0: 0, 1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 0, 7: 1, 8: 0, 9: 1, 10: 1 });
    expect(results.nps.average).toBe(7.25);
    expect(results.rate).toMatchObject({ answered: 3, average: 3.67, distribution: { 1: 0, 2: 1, 3: 0, 4: 1, 5: 1 } });
    expect(results.pick.distribution).toEqual({ Red: 2, Blue: 1 });
    expect(results.many.distribution).toEqual({ A: 1, B: 2, C: 0 });
    expect(results.why).toMatchObject({ answered: 2, texts: ['second', 'first'] });
    expect(questionResults(questions, null)[1]).toMatchObject({ answered: 0, average: null });
  });
});

describe('the anonymous small-group rule', () => {
  const groups = (...sizes: number[]) => sizes.map((responses, i) => ({ id: `g${i}`, responses }));

  it('shows every group of a named campaign', () => {
    expect(hiddenGroups(groups(1, 2, 30), false).size).toBe(0);
  });

  it('hides groups under 5 responses', () => {
    expect([...hiddenGroups(groups(4, 3, 30, 5), true)].sort()).toEqual(['g0', 'g1']);
    expect([...hiddenGroups(groups(5, 6), true)]).toEqual([]);
  });

  it('hides the smallest shown group too when only one would be hidden (no total-minus-rest)', () => {
    expect([...hiddenGroups(groups(2, 30, 7), true)].sort()).toEqual(['g0', 'g2']);
    expect([...hiddenGroups(groups(4), true)]).toEqual(['g0']);
  });
});
