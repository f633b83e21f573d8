import { ContentError } from '../content/content-file';
import { ACTIVITY_TYPE_PATTERN } from '../content/dto/rules-file.dto';

/** The declarative badge criteria of content/badges.yaml. */
export type Criteria =
  | { activity: { type: string; count: number } }
  | { distinct: { type: string; field: string; count: number } }
  | { lifetimePoints: number }
  | { activeWeeks: number }
  | { all: Criteria[] }
  | { any: Criteria[] };

/** What the engine knows about a member when it checks criteria. */
export interface MemberStats {
  /** Activities recorded, by type. */
  counts: Record<string, number>;
  /** Different metadata values seen, by `distinctKey(type, field)`. */
  distinct: Record<string, number>;
  lifetime: number;
  /** Consecutive active weeks up to the latest one. */
  activeWeekStreak: number;
}

export interface Progress {
  progress: number;
  goal: number;
  met: boolean;
}

export const distinctKey = (type: string, field: string) => `${type}|${field}`;

const positiveInt = (value: unknown) => Number.isInteger(value) && (value as number) > 0;

/** Validates one criterion from YAML; the message says where and what is wrong. */
export function parseCriteria(raw: unknown, where: string): Criteria {
  const fail = (why: string): never => {
    throw new ContentError(`${where}: ${why}`);
  };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return fail('criteria must be an object');
  const keys = Object.keys(raw);
  if (keys.length !== 1)
    return fail(
      `criteria must have exactly one of activity, distinct, lifetimePoints, activeWeeks, all, any (got ${keys.join(', ') || 'none'})`,
    );
  const [kind] = keys;
  const value = (raw as Record<string, unknown>)[kind];
  switch (kind) {
    case 'activity': {
      const { type, count, ...rest } = (value ?? {}) as Record<string, unknown>;
      if (typeof type !== 'string' || !ACTIVITY_TYPE_PATTERN.test(type)) fail('activity.type must be an activity type');
      if (!positiveInt(count)) fail('activity.count must be a positive whole number');
      if (Object.keys(rest).length) fail(`activity has unknown fields: ${Object.keys(rest).join(', ')}`);
      return { activity: { type: type as string, count: count as number } };
    }
    case 'distinct': {
      const { type, field, count, ...rest } = (value ?? {}) as Record<string, unknown>;
      if (typeof type !== 'string' || !ACTIVITY_TYPE_PATTERN.test(type)) fail('distinct.type must be an activity type');
      if (typeof field !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(field))
        fail('distinct.field must be a metadata field name');
      if (!positiveInt(count)) fail('distinct.count must be a positive whole number');
      if (Object.keys(rest).length) fail(`distinct has unknown fields: ${Object.keys(rest).join(', ')}`);
      return { distinct: { type: type as string, field: field as string, count: count as number } };
    }
    case 'lifetimePoints':
    case 'activeWeeks':
      if (!positiveInt(value)) fail(`${kind} must be a positive whole number`);
      return kind === 'lifetimePoints' ? { lifetimePoints: value as number } : { activeWeeks: value as number };
    case 'all':
    case 'any': {
      if (!Array.isArray(value) || value.length < 1) return fail(`${kind} must be a non-empty list`);
      const parts = value.map((part, i) => parseCriteria(part, `${where}.${kind}[${i}]`));
      return kind === 'all' ? { all: parts } : { any: parts };
    }
    default:
      return fail(`unknown criterion "${kind}"`);
  }
}

/** How far a member is towards a criterion. Combinations report the share of the way, out of 100. */
export function evaluate(criteria: Criteria, stats: MemberStats): Progress {
  const simple = (progress: number, goal: number): Progress => ({
    progress: Math.min(progress, goal),
    goal,
    met: progress >= goal,
  });
  if ('activity' in criteria) return simple(stats.counts[criteria.activity.type] ?? 0, criteria.activity.count);
  if ('distinct' in criteria) {
    const { type, field, count } = criteria.distinct;
    return simple(stats.distinct[distinctKey(type, field)] ?? 0, count);
  }
  if ('lifetimePoints' in criteria) return simple(stats.lifetime, criteria.lifetimePoints);
  if ('activeWeeks' in criteria) return simple(stats.activeWeekStreak, criteria.activeWeeks);
  const parts = ('all' in criteria ? criteria.all : criteria.any).map((part) => evaluate(part, stats));
  const share = (p: Progress) => p.progress / p.goal;
  if ('all' in criteria) {
    const progress = Math.floor((100 * parts.reduce((sum, p) => sum + share(p), 0)) / parts.length);
    return { progress, goal: 100, met: parts.every((p) => p.met) };
  }
  const best = Math.max(...parts.map(share));
  return { progress: Math.floor(100 * best), goal: 100, met: parts.some((p) => p.met) };
}

/** Activity types a criterion looks at: only those activities can change a badge's progress. */
export function criteriaTypes(criteria: Criteria): string[] {
  if ('activity' in criteria) return [criteria.activity.type];
  if ('distinct' in criteria) return [criteria.distinct.type];
  if ('all' in criteria) return criteria.all.flatMap(criteriaTypes);
  if ('any' in criteria) return criteria.any.flatMap(criteriaTypes);
  return ['*'];
}
