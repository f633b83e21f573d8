import { DateTime } from 'luxon';
import { formatLocale } from '$lib/i18n';

/** "Fri" within the coming week, else "Dec 12" — in the viewer's zone and language. */
export function closesLabel(iso: string, zone: string, now = DateTime.now()): string {
  const at = DateTime.fromISO(iso, { zone }).setLocale(formatLocale());
  return at.diff(now.setZone(zone), 'days').days < 6
    ? at.toLocaleString({ weekday: 'short' })
    : at.toLocaleString({ month: 'short', day: 'numeric' });
}
