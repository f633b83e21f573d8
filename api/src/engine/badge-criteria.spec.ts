import { ContentError } from '../content/content-file';
import { distinctKey, evaluate, MemberStats, parseCriteria } from './badge-criteria';

const stats = (over: Partial<MemberStats> = {}): MemberStats => ({
  counts: {},
  distinct: {},
  lifetime: 0,
  activeWeekStreak: 0,
  ...over,
});

describe('badge criteria', () => {
  it('parses every kind and combinations', () => {
    const criteria = parseCriteria(
      {
        all: [
          { activity: { type: 'lesson.completed', count: 2 } },
          { any: [{ lifetimePoints: 100 }, { activeWeeks: 3 }] },
          { distinct: { type: 'course.completed', field: 'courseSlug', count: 2 } },
        ],
      },
      'badges.yaml',
    );
    expect(criteria).toHaveProperty('all');
  });

  it.each([
    [{}, /exactly one/],
    [{ activity: { type: 'lesson.completed' } }, /count/],
    [{ activity: { type: 'Lesson', count: 1 } }, /activity type/],
    [{ activity: { type: 'lesson.completed', count: 1, extra: 1 } }, /unknown fields/],
    [{ all: [] }, /non-empty/],
    [{ all: [{ sometimes: 1 }] }, /badges\.yaml\.all\[0\]: unknown criterion/],
    [{ lifetimePoints: -5 }, /positive/],
  ])('refuses %p', (raw, message) => {
    expect(() => parseCriteria(raw, 'badges.yaml')).toThrow(ContentError);
    expect(() => parseCriteria(raw, 'badges.yaml')).toThrow(message);
  });

  it('measures simple progress and caps it at the goal', () => {
    const criteria = parseCriteria({ activity: { type: 'lesson.completed', count: 3 } }, 'x');
    expect(evaluate(criteria, stats({ counts: { 'lesson.completed': 2 } }))).toEqual({
      progress: 2,
      goal: 3,
      met: false,
    });
    expect(evaluate(criteria, stats({ counts: { 'lesson.completed': 5 } }))).toEqual({
      progress: 3,
      goal: 3,
      met: true,
    });
  });

  it('needs every part for all, one part for any', () => {
    const all = parseCriteria({ all: [{ lifetimePoints: 100 }, { activeWeeks: 2 }] }, 'x');
    const any = parseCriteria({ any: [{ lifetimePoints: 100 }, { activeWeeks: 2 }] }, 'x');
    const halfway = stats({ lifetime: 100, activeWeekStreak: 1 });
    expect(evaluate(all, halfway)).toEqual({ progress: 75, goal: 100, met: false });
    expect(evaluate(any, halfway)).toEqual({ progress: 100, goal: 100, met: true });
  });

  it('counts distinct values', () => {
    const criteria = parseCriteria({ distinct: { type: 'course.completed', field: 'courseSlug', count: 2 } }, 'x');
    const seen = stats({ distinct: { [distinctKey('course.completed', 'courseSlug')]: 2 } });
    expect(evaluate(criteria, seen).met).toBe(true);
  });
});
