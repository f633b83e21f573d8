import { Types } from 'mongoose';
import { afterUpdate, streakOf } from './member-progress.service';

const weeksOf = (...weeks: string[]) => Object.fromEntries(weeks.map((week) => [week, 1]));

describe('active-week streaks, derived from the set of active weeks', () => {
  it.each([
    [[], null, 0],
    [['2026-W47'], '2026-W47', 1],
    [['2026-W45', '2026-W46', '2026-W47'], '2026-W47', 3], // consecutive weeks
    [['2026-W44', '2026-W46', '2026-W47'], '2026-W47', 2], // a gap ends the streak
    [['2026-W52', '2027-W01'], '2027-W01', 1], // 2026 has 53 ISO weeks, so W52 → W01 is a gap
    [['2026-W52', '2026-W53', '2027-W01'], '2027-W01', 3], // across the year end
    [['2026-W40', '2026-W46', '2026-W47'], '2026-W47', 2], // a late report of an older week changes nothing
  ])('weeks %j, latest %s → %i', (weeks, last, expected) => {
    expect(streakOf({ weeks: weeksOf(...weeks), lastActiveWeek: last, activeWeekStreak: 0 })).toBe(expected);
  });

  it('replaying an award (its week set again) leaves the streak alone', () => {
    const stats = { weeks: weeksOf('2026-W46', '2026-W47'), lastActiveWeek: '2026-W47', activeWeekStreak: 0 };
    const replayed = { ...stats, weeks: { ...stats.weeks, '2026-W47': 1 } };
    expect(streakOf(replayed)).toBe(streakOf(stats));
  });

  it('keeps the stored streak of wallets from before the week set existed', () => {
    expect(streakOf({ weeks: {}, lastActiveWeek: '2026-W47', activeWeekStreak: 4 })).toBe(4);
    expect(streakOf(null)).toBe(0);
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
      weeks: weeksOf('2026-W46'),
      activeWeekStreak: 0,
    };
    const after = afterUpdate(
      id,
      before,
      { 'counts.lesson~completed': 1, 'distinct.course~completed|courseSlug': 1 },
      '2026-W47',
    );
    expect(after.counts).toEqual({ 'lesson~completed': 3 });
    expect(after.distinct).toEqual({ 'course~completed|courseSlug': 1 });
    expect(after.lastActiveWeek).toBe('2026-W47');
    expect(streakOf(after)).toBe(2);
    expect(Object.keys(after.badges)).toEqual(['first-steps']);
    expect(before.counts['lesson~completed']).toBe(2); // the input is left alone
  });

  it('starts from nothing for a new member', () => {
    const after = afterUpdate(new Types.ObjectId(), null, { 'counts.quiz~passed': 1 }, '2026-W47');
    expect(after).toMatchObject({ counts: { 'quiz~passed': 1 }, lastActiveWeek: '2026-W47' });
    expect(streakOf(after)).toBe(1);
  });
});
