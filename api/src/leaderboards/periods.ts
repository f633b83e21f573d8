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
  if (period === 'all') return ALL_TIME;
  const recent = latest.get(`${period}|${zone}`);
  const time = at.getTime();
  if (recent && time >= recent.startMs && time < recent.endMs) return recent.window;
  const local = DateTime.fromJSDate(at, { zone });
  const start = local.startOf(period);
  const end = start.plus(period === 'week' ? { weeks: 1 } : { months: 1 });
  const key = period === 'week' ? `week:${start.toISODate()}` : `month:${start.toFormat('yyyy-MM')}`;
  const window = { key, start, end };
  if (latest.size >= 1_000) latest.clear();
  latest.set(`${period}|${zone}`, { window, startMs: start.toMillis(), endMs: end.toMillis() });
  return window;
}

const ALL_TIME: PeriodWindow = Object.freeze({ key: 'all', start: null, end: null });

/**
 * The last window computed per period and zone: nearly every call (each award moves six dated
 * buckets, each read needs its window) asks about the current one, and luxon's zone arithmetic
 * was a tenth of a leaderboard read's CPU. Windows are immutable (luxon DateTimes), so sharing is safe.
 */
const latest = new Map<string, { window: PeriodWindow; startMs: number; endMs: number }>();
