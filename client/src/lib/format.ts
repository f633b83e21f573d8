import { DateTime } from 'luxon';
import { locale } from './i18n';

/** The viewer's zone: the one saved in their profile, else the device's. */
export function viewerZone(saved: string | null | undefined): string {
  return saved || Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** An instant from the API, shown in the viewer's zone and language. */
export function formatDateTime(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).setLocale(locale()).toLocaleString(DateTime.DATETIME_MED);
}

export function formatPoints(points: number): string {
  return points.toLocaleString(locale());
}
