import { DateTime } from 'luxon';
import type { LedgerKind } from '../ledger/schemas/ledger-entry.schema';

/**
 * The rollups' arithmetic, pure: which counters a ledger entry moves, in which calendar day of
 * which zone, and how "distinct active members over any range" is kept exact with counters.
 *
 * Documents: one per scope (an organization id, or `program`) and calendar month of that scope's
 * zone, `_id` = `<scope>:<yyyy-MM>`, holding `d.<dd>.<counter>`. A month per document keeps a
 * 90-day series at four `_id` look-ups (FerretDB serves nothing else fast) and the organizations
 * side by side at two per organization.
 */

export const PROGRAM = 'program';

/** The ledger key prefix of an activity's entry (ActivitiesService): how a rebuild tells activities apart. */
export const ACTIVITY_KEY_PREFIX = 'activity:';

/** Day counters (`d.<dd>.<name>`). `h` (the active-day histogram) sits beside them. */
export const COUNTERS = [
  'activities',
  'lessonsCompleted',
  'quizzesPassed',
  'coursesCompleted',
  'challengesCompleted',
  'eventsAttended',
  'responses',
  'pointsIssued',
  'pointsAdjusted',
  'pointsRedeemed',
  'pointsExpired',
  'redemptions',
  'promoters',
  'passives',
  'detractors',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type DayCounters = Partial<Record<Counter, number>> & { h?: Record<string, number> };

/** Activity types → the counter they raise besides `activities`. */
const ACTIVITY_COUNTERS: Record<string, Counter> = {
  'lesson.completed': 'lessonsCompleted',
  'quiz.passed': 'quizzesPassed',
  'course.completed': 'coursesCompleted',
  'challenge.completed': 'challengesCompleted',
  'event.attended': 'eventsAttended',
  'feedback.submitted': 'responses',
};

/**
 * What a ledger entry adds to its day: an activity's earn entry is one activity (`activityType`;
 * null for an earn entry that is not an activity, e.g. the demo's opening balances); redeem and
 * refund net out; expiry is counted positive.
 */
export function entryCounters(kind: LedgerKind, amount: number, activityType: string | null): DayCounters {
  switch (kind) {
    case 'earn': {
      const counters: DayCounters = activityType ? { activities: 1 } : {};
      if (amount) counters.pointsIssued = amount;
      const named = activityType ? ACTIVITY_COUNTERS[activityType] : undefined;
      if (named) counters[named] = 1;
      return counters;
    }
    case 'adjust':
      return amount ? { pointsAdjusted: amount } : {};
    case 'redeem':
      return { pointsRedeemed: -amount, redemptions: 1 };
    case 'refund':
      // A refund gives back a redemption that did not complete: it is not a redemption.
      return { pointsRedeemed: -amount, redemptions: -1 };
    case 'expire':
      return amount ? { pointsExpired: -amount } : {};
  }
}

/** NPS group of a 0–10 answer (promoters 9–10, passives 7–8, detractors 0–6). */
export function npsCounter(score: number): Counter {
  return score >= 9 ? 'promoters' : score >= 7 ? 'passives' : 'detractors';
}

/** NPS = % promoters − % detractors, a whole number; null without answers. */
export function npsOf(c: Pick<DayCounters, 'promoters' | 'passives' | 'detractors'>): number | null {
  const promoters = c.promoters ?? 0;
  const detractors = c.detractors ?? 0;
  const total = promoters + (c.passives ?? 0) + detractors;
  if (!total) return null;
  const score = ((promoters - detractors) * 100) / total;
  return Math.sign(score) * Math.round(Math.abs(score)) || 0;
}

/** Active members ÷ members, 0–1 with four decimals; 0 without members. */
export function participationRate(activeMembers: number, members: number): number {
  if (members <= 0) return 0;
  return Math.round(Math.min(1, activeMembers / members) * 10_000) / 10_000;
}

/** The calendar day (yyyy-MM-dd) of an instant in a zone. */
export function dayOf(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISODate()!;
}

export const monthDocId = (scope: string, day: string) => `${scope}:${day.slice(0, 7)}`;
export const dayPath = (day: string, field: string) => `d.${day.slice(8, 10)}.${field}`;

/** Whole calendar days from `a` to `b` (dates, so no zone and no DST enters the count). */
export function daysBetween(a: string, b: string): number {
  return Math.round(DateTime.fromISO(b, { zone: 'utc' }).diff(DateTime.fromISO(a, { zone: 'utc' }), 'days').days);
}

export function addDays(day: string, n: number): string {
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ days: n }).toISODate()!;
}

/** Every day from `from` to `to`, both included. */
export function daysIn(from: string, to: string): string[] {
  const out: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) out.push(day);
  return out;
}

/** The month documents a range of days reads. */
export function monthsIn(from: string, to: string): string[] {
  const out: string[] = [];
  let month = DateTime.fromISO(from.slice(0, 7) + '-01', { zone: 'utc' });
  const last = to.slice(0, 7);
  while (month.toFormat('yyyy-MM') <= last) {
    out.push(month.toFormat('yyyy-MM'));
    month = month.plus({ months: 1 });
  }
  return out;
}

/**
 * Exact distinct active members over any range, from day counters only.
 *
 * Each (member, active day d) is counted once in day d's histogram `h`, under the gap to the
 * member's previous active day (`n` when there is none). A member active in [from, to] has one
 * first active day in the range — the one whose previous active day lies before `from` — so
 *   distinct(from, to) = Σ over d in [from, to] of h_d[n] + Σ h_d[g] for g > d − from.
 * A day's active members is the sum of its histogram. Reads touch the range's days only, however
 * long the history; a member's days are kept in its own document to find the gaps (see
 * `insertDay`), and a day reported late moves the following day's entry once.
 */
export function distinctActive(histograms: Map<string, Record<string, number> | undefined>, from: string, to: string) {
  let total = 0;
  for (const day of daysIn(from, to)) {
    const h = histograms.get(day);
    if (!h) continue;
    const offset = daysBetween(from, day);
    for (const [gap, count] of Object.entries(h)) if (gap === 'n' || Number(gap) > offset) total += count;
  }
  return total;
}

export const dailyActive = (h: Record<string, number> | undefined) =>
  Object.values(h ?? {}).reduce((sum, n) => sum + n, 0);

export interface HistogramChange {
  day: string;
  gap: string;
  by: number;
}

/**
 * Adds `day` to a member's sorted active days: the new days and the histogram changes, or null
 * when the day was there already. A day between two known ones also moves the next day's gap.
 */
export function insertDay(days: readonly string[], day: string): { days: string[]; changes: HistogramChange[] } | null {
  let index = 0;
  while (index < days.length && days[index] < day) index++;
  if (days[index] === day) return null;
  const prev = index > 0 ? days[index - 1] : null;
  const next = index < days.length ? days[index] : null;
  const gapTo = (from: string | null, to: string) => (from ? String(daysBetween(from, to)) : 'n');
  const changes: HistogramChange[] = [{ day, gap: gapTo(prev, day), by: 1 }];
  if (next) {
    changes.push({ day: next, gap: gapTo(prev, next), by: -1 }, { day: next, gap: gapTo(day, next), by: 1 });
  }
  return { days: [...days.slice(0, index), day, ...days.slice(index)], changes };
}

export interface Period {
  /** The period's first day and last day (clipped to the range). */
  first: string;
  last: string;
}

/** Days or ISO weeks (Monday first) covering [from, to], the first and last clipped to the range. */
export function periodsIn(from: string, to: string, interval: 'day' | 'week'): Period[] {
  if (interval === 'day') return daysIn(from, to).map((day) => ({ first: day, last: day }));
  const out: Period[] = [];
  let start = from;
  while (start <= to) {
    const weekday = DateTime.fromISO(start, { zone: 'utc' }).weekday; // 1 = Monday
    const end = addDays(start, 7 - weekday);
    out.push({ first: start, last: end < to ? end : to });
    start = addDays(end, 1);
  }
  return out;
}

/** The instant a calendar day starts in a zone (ISO with the zone's offset; 23 or 25 hours on DST days). */
export function startOfDay(day: string, zone: string): string {
  return DateTime.fromISO(day, { zone }).startOf('day').toISO()!;
}

/** Sums day counters. */
export function addCounters(into: DayCounters, from: DayCounters | undefined): DayCounters {
  if (!from) return into;
  for (const key of COUNTERS) if (from[key]) into[key] = (into[key] ?? 0) + from[key];
  return into;
}
