import { DateTime } from 'luxon';

/**
 * The time rules of events, pure and shared: the API (check-in window, reminders, notification
 * text) and the client (which imports this file through the `$eventTime` alias) read an event's
 * times the same way. Instants are UTC; wall times belong to a zone; luxon does the DST math.
 */

/** Check-in opens this long before the start and closes at the end. */
export const CHECK_IN_OPENS_MINUTES = 30;

/**
 * Reminders go out `hours` before the start, one each per going member, and stay due until
 * `until` hours before it: a reminder "about a day away" makes no sense to a member who RSVPs
 * 3 hours before (they get the 1-hour one), so the 24-hour one stops being owed once less than
 * 12 hours remain. The 1-hour one is owed until the start.
 */
export const REMINDERS = [
  { key: '24h', hours: 24, until: 12 },
  { key: '1h', hours: 1, until: 0 },
] as const;
export type ReminderKey = (typeof REMINDERS)[number]['key'];

type Instant = Date | string;
const toDate = (at: Instant) => (typeof at === 'string' ? new Date(at) : at);

export interface Window {
  opensAt: Date;
  closesAt: Date;
}

/** From 30 minutes before the start to the end (absolute instants, so DST changes nothing). */
export function checkInWindow(startsAt: Instant, endsAt: Instant): Window {
  return {
    opensAt: new Date(toDate(startsAt).getTime() - CHECK_IN_OPENS_MINUTES * 60_000),
    closesAt: toDate(endsAt),
  };
}

export type CheckInState = 'early' | 'open' | 'closed';

export function checkInState(startsAt: Instant, endsAt: Instant, now: Date = new Date()): CheckInState {
  const { opensAt, closesAt } = checkInWindow(startsAt, endsAt);
  if (now < opensAt) return 'early';
  return now <= closesAt ? 'open' : 'closed';
}

/**
 * When each reminder is due: 24 and 1 hours before the start, counted in elapsed time (an event
 * at 09:00 on the Monday after a spring-forward is reminded at 09:00 on Sunday, which is 24 hours
 * earlier even though Saturday night lost an hour).
 */
export function reminderTimes(startsAt: Instant): Array<{ key: ReminderKey; at: Date }> {
  const start = toDate(startsAt).getTime();
  return REMINDERS.map(({ key, hours }) => ({ key, at: new Date(start - hours * 3_600_000) }));
}

/**
 * The reminder a sweep at `now` owes a going member: the one whose window [`hours`, `until`)
 * before the start holds `now`, and none once the event has started. A member who RSVPs 20
 * hours before gets the 24-hour one at once; one who RSVPs 3 hours before gets nothing until
 * the 1-hour one; a sweep that was down for a day does not send a stale 24-hour reminder next
 * to the 1-hour one.
 */
export function dueReminder(startsAt: Instant, now: Date = new Date()): ReminderKey | null {
  const left = toDate(startsAt).getTime() - now.getTime();
  if (left <= 0) return null;
  const due = REMINDERS.find(({ hours, until }) => left <= hours * 3_600_000 && left > until * 3_600_000);
  return due?.key ?? null;
}

/** "America/New_York" → "New York"; "UTC" stays "UTC". */
export function zoneCity(zone: string): string {
  const city = zone.split('/').pop() ?? zone;
  return city.replace(/_/g, ' ');
}

/** Whether two zones show the same wall time at this instant (then one of them is enough). */
export function sameWallTime(at: Instant, zoneA: string, zoneB: string): boolean {
  const instant = DateTime.fromJSDate(toDate(at));
  return instant.setZone(zoneA).offset === instant.setZone(zoneB).offset;
}

/** Hours as the locale writes them: "09:00" on a 24-hour clock, "9:00 AM" on a 12-hour one. */
function hourStyle(locale: string): Intl.DateTimeFormatOptions {
  const cycle = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hourCycle;
  return { hour: cycle === 'h23' || cycle === 'h24' ? '2-digit' : 'numeric', minute: '2-digit' };
}

export interface ZonedTimes {
  /** The start in the event's zone: "Thu 4 Dec, 18:00". */
  start: string;
  /** The end: the time alone on the same day ("20:00"), else with the date. */
  end: string;
  /** The event's zone as a place: "New York". */
  zone: string;
  /**
   * The start in the viewer's zone when its wall time differs: "Fri 00:00" (weekday when the
   * day differs from the event's, else the time alone); null when both zones read the same.
   */
  viewerStart: string | null;
  viewerEnd: string | null;
}

/**
 * An event's times as a member reads them: in the event's zone, and in their own when it differs
 * ("Thu 4 Dec, 18:00 New York · Fri 00:00 your time"). `locale` picks the formats (en-GB: 18:00,
 * en-US: 6:00 PM).
 */
export function zonedTimes(
  startsAt: Instant,
  endsAt: Instant,
  eventZone: string,
  viewerZone: string,
  locale = 'en-GB',
): ZonedTimes {
  const start = DateTime.fromJSDate(toDate(startsAt)).setZone(eventZone).setLocale(locale);
  const end = DateTime.fromJSDate(toDate(endsAt)).setZone(eventZone).setLocale(locale);
  const sameDay = (a: DateTime, b: DateTime) => a.hasSame(b, 'day');
  const TIME = hourStyle(locale);
  const DATE_TIME: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', ...TIME };
  const WEEKDAY_TIME: Intl.DateTimeFormatOptions = { weekday: 'short', ...TIME };
  const times: ZonedTimes = {
    start: start.toLocaleString(DATE_TIME),
    end: end.toLocaleString(sameDay(start, end) ? TIME : DATE_TIME),
    zone: zoneCity(eventZone),
    viewerStart: null,
    viewerEnd: null,
  };
  if (sameWallTime(startsAt, eventZone, viewerZone)) return times;
  const mineStart = start.setZone(viewerZone);
  const mineEnd = end.setZone(viewerZone);
  times.viewerStart = mineStart.toLocaleString(sameDay(mineStart, start) ? TIME : WEEKDAY_TIME);
  times.viewerEnd = mineEnd.toLocaleString(sameDay(mineStart, mineEnd) ? TIME : WEEKDAY_TIME);
  return times;
}

/** A `datetime-local` value ("2026-03-09T09:00") read as wall time in `zone`, as a UTC instant; null if unusable. */
export function fromWallTime(value: string, zone: string): Date | null {
  const local = DateTime.fromISO(value, { zone });
  return local.isValid ? local.toJSDate() : null;
}

/** An instant as the `datetime-local` value of its wall time in `zone`. */
export function toWallTime(at: Instant, zone: string): string {
  return DateTime.fromJSDate(toDate(at)).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm");
}
