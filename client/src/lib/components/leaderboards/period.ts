import type { Board } from '$lib/api/leaderboards';
import { formatDateTime } from '$lib/format';
import { formatLocale, t } from '$lib/i18n';
import { DateTime } from 'luxon';

/** A zone as people name it: the city of its IANA id ("Europe/Stockholm" → "Stockholm"). */
export function zoneCity(zone: string): string {
  return (zone.split('/').at(-1) ?? zone).replace(/_/g, ' ');
}

export interface PeriodLabel {
  /** The days of the period in the board's own zone, e.g. "Mon, Nov 30 – Sun, Dec 6, Stockholm time". */
  dates: string;
  /** The exact instants in the viewer's zone (for a tooltip); null for all time. */
  exact: string | null;
}

/**
 * A board's period as people read it: the calendar days it covers in the board's own zone (a week
 * with weekdays, a month as "December 1 – 31"), whoever looks at it, with the exact instants in the
 * viewer's zone beside. `end` is exclusive, so the last day shown is the day before it there.
 * Month and weekday names and their order come from `Intl` (`formatLocale()`).
 */
export function periodLabel(
  board: Pick<Board, 'period' | 'start' | 'end' | 'timezone'>,
  viewerZone: string,
): PeriodLabel {
  if (!board.start || !board.end) return { dates: t('leaderboards.allTime'), exact: null };
  const first = DateTime.fromISO(board.start, { zone: board.timezone });
  const last = DateTime.fromISO(board.end, { zone: board.timezone }).minus({ milliseconds: 1 });
  const days: Intl.DateTimeFormatOptions =
    board.period === 'month' ? { day: 'numeric', month: 'long' } : { weekday: 'short', day: 'numeric', month: 'short' };
  const format = new Intl.DateTimeFormat(formatLocale(), {
    ...days,
    ...(first.year !== last.year ? { year: 'numeric' } : {}), // a week across New Year
    timeZone: board.timezone,
  });
  return {
    dates: t('leaderboards.periodDates', {
      dates: format.formatRange(first.toJSDate(), last.toJSDate()),
      zone: zoneCity(board.timezone),
    }),
    exact: t('leaderboards.periodExact', {
      start: formatDateTime(board.start, viewerZone),
      end: formatDateTime(board.end, viewerZone),
      zone: viewerZone,
    }),
  };
}
