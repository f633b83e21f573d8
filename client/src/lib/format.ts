import { DateTime } from 'luxon';
import { formatLocale, hasMessage, t } from './i18n';

/** The viewer's zone: the one saved in their profile, else the device's. */
export function viewerZone(saved: string | null | undefined): string {
  return saved || Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** An instant from the API, shown in the viewer's zone and language. */
export function formatDateTime(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).setLocale(formatLocale()).toLocaleString(DateTime.DATETIME_MED);
}

export function formatPoints(points: number): string {
  return points.toLocaleString(formatLocale());
}

const LOCAL_INPUT = "yyyy-MM-dd'T'HH:mm";

/** An instant from the API as the value of an `<input type="datetime-local">` in `zone`. */
export function toLocalInput(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).toFormat(LOCAL_INPUT);
}

/** The value of an `<input type="datetime-local">`, read as wall time in `zone`, as ISO UTC; null if empty. */
export function fromLocalInput(value: string, zone: string): string | null {
  const local = DateTime.fromISO(value, { zone });
  return local.isValid ? local.toUTC().toISO() : null;
}

/** An activity type from the rules (`lesson.completed`) as words; unknown types read as themselves. */
export function activityLabel(type: string): string {
  const key = `activity.${type}`;
  return hasMessage(key) ? t(key) : type.split('.').reverse().join(' ').replace(/[-_]/g, ' ');
}
