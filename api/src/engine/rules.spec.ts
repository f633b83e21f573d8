import { ContentError } from '../content/content-file';
import type { RuleDto, RulesFileDto } from '../content/dto/rules-file.dto';
import { applyCaps, capWindows, checkRules, earnedPoints } from './rules';

const rule = (over: Partial<RuleDto>): RuleDto => ({
  activityType: 'lesson.completed',
  points: 20,
  per: 'activity',
  description: 'x',
  ...over,
});
const file = (rules: RuleDto[], tierMultipliers?: Record<string, number>): RulesFileDto => ({
  rules,
  tierMultipliers,
  expiry: { months: 24 },
});
const TIERS = ['member', 'silver', 'gold'];

describe('rules', () => {
  it('multiplies by the tier factor and by value', () => {
    const set = checkRules(
      file([rule({}), rule({ activityType: 'purchase.recorded', points: 1, per: 'value' })], { gold: 1.25 }),
      TIERS,
      'r',
    );
    expect(earnedPoints(set.byType.get('lesson.completed')!, set, 'member', undefined)).toBe(20);
    expect(earnedPoints(set.byType.get('lesson.completed')!, set, 'gold', undefined)).toBe(25);
    expect(earnedPoints(set.byType.get('purchase.recorded')!, set, 'gold', 17)).toBe(21);
  });

  it('counts a per-value activity reported without a value as the rule’s defaultValue', () => {
    const attended = rule({ activityType: 'event.attended', points: 1, per: 'value', defaultValue: 75 });
    const set = checkRules(file([attended], { gold: 1.25 }), TIERS, 'r');
    expect(earnedPoints(set.byType.get('event.attended')!, set, 'member', undefined)).toBe(75);
    expect(earnedPoints(set.byType.get('event.attended')!, set, 'member', 150)).toBe(150);
    expect(earnedPoints(set.byType.get('event.attended')!, set, 'gold', 40)).toBe(50);
    expect(() => checkRules(file([rule({ defaultValue: 5 })]), TIERS, 'r')).toThrow(/needs per: value/);
  });

  it('lets a rule override the program multipliers', () => {
    const set = checkRules(file([rule({ tierMultipliers: { gold: 1 } })], { gold: 2 }), TIERS, 'r');
    expect(earnedPoints(set.byType.get('lesson.completed')!, set, 'gold', undefined)).toBe(20);
  });

  it('refuses duplicate types and unknown tiers', () => {
    expect(() => checkRules(file([rule({}), rule({})]), TIERS, 'r')).toThrow(ContentError);
    expect(() => checkRules(file([rule({})], { bronze: 2 }), TIERS, 'r')).toThrow(/unknown tier/);
    expect(() => checkRules(file([rule({})], { gold: 0.5 }), TIERS, 'r')).toThrow(/from 1 to 10/);
  });

  it('keys cap windows by their start in the organization zone', () => {
    // Sunday 23:30 in Tokyo is still that week there, though Monday already where the server is.
    const at = new Date('2026-11-22T14:30:00Z');
    const windows = capWindows(rule({ caps: { day: 100, week: 300, month: 900 } }), at, 'Asia/Tokyo');
    expect(windows).toEqual([
      { period: 'day', key: '2026-11-22', cap: 100 },
      { period: 'week', key: '2026-11-16', cap: 300 },
      { period: 'month', key: '2026-11-01', cap: 900 },
    ]);
  });

  it('awards what is left under the tightest cap', () => {
    expect(applyCaps(20, [])).toBe(20);
    expect(applyCaps(20, [{ cap: 100, used: 90 }])).toBe(10);
    expect(
      applyCaps(20, [
        { cap: 100, used: 0 },
        { cap: 300, used: 295 },
      ]),
    ).toBe(5);
    expect(applyCaps(20, [{ cap: 100, used: 120 }])).toBe(0);
  });
});
