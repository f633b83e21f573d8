import { Types } from 'mongoose';
import { afterUpdate, nextStreak } from './member-progress.service';

describe('active-week streaks', () => {
  it.each([
    [null, 0, '2026-W47', 1],
    ['2026-W47', 1, '2026-W47', 1], // same week: unchanged
    ['2026-W46', 3, '2026-W47', 4], // the next week: one more
    ['2026-W44', 3, '2026-W47', 1], // a gap: start again
    ['2026-W52', 5, '2027-W01', 1], // 2026 has 53 ISO weeks, so W52 → W01 is a gap
    ['2026-W53', 5, '2027-W01', 6], // across the year end
    ['2026-W47', 2, '2026-W40', 2], // a late report of an older week changes nothing
  ])('last %s streak %i, active in %s → %i', (last, streak, week, expected) => {
    expect(nextStreak(last, streak, week)).toBe(expected);
  });
});

describe('afterUpdate', () => {
  it('applies increments to what the update returned from before', () => {
    const id = new Types.ObjectId();
    const before = {
      _id: id,
      counts: { 'lesson~completed': 2 },
      distinct: {},
      badges: { 'first-steps': new Date() },
      lastActiveWeek: '2026-W46',
      activeWeekStreak: 1,
    };
    const after = afterUpdate(
      id,
      before,
      { 'counts.lesson~completed': 1, 'distinct.course~completed|courseSlug': 1 },
      '2026-W47',
      2,
    );
    expect(after.counts).toEqual({ 'lesson~completed': 3 });
    expect(after.distinct).toEqual({ 'course~completed|courseSlug': 1 });
    expect(after.lastActiveWeek).toBe('2026-W47');
    expect(Object.keys(after.badges)).toEqual(['first-steps']);
    expect(before.counts['lesson~completed']).toBe(2); // the input is left alone
  });

  it('starts from nothing for a new member', () => {
    const after = afterUpdate(new Types.ObjectId(), null, { 'counts.quiz~passed': 1 }, '2026-W47', 1);
    expect(after).toMatchObject({ counts: { 'quiz~passed': 1 }, lastActiveWeek: '2026-W47', activeWeekStreak: 1 });
  });
});
