import { DateTime } from 'luxon';

export const PERIODS = ['week', 'month', 'all'] as const;
export type Period = (typeof PERIODS)[number];

export interface PeriodWindow {
  /** Part of a bucket's key: `week:2026-11-16`, `month:2026-11`, `all`. */
  key: string;
  /** Local start and end (exclusive) in the board's zone; null for all time. */
  start: DateTime | null;
  end: DateTime | null;
}

/**
 * The period containing `at`, in `zone`: ISO weeks from Monday 00:00 and calendar months, local
 * to the board (an organization's zone, or the program's). luxon does the calendar arithmetic in
 * that zone, so a week that contains a DST change is still Monday to Monday (167 or 169 hours).
 */
export function periodAt(period: Period, at: Date, zone: string): PeriodWindow {
  if (period === 'all') return { key: 'all', start: null, end: null };
  const local = DateTime.fromJSDate(at, { zone });
  const start = local.startOf(period);
  const end = start.plus(period === 'week' ? { weeks: 1 } : { months: 1 });
  const key = period === 'week' ? `week:${start.toISODate()}` : `month:${start.toFormat('yyyy-MM')}`;
  return { key, start, end };
}
