import ical, { ICalAlarmType, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { zonedTimes } from './event-time';

/** What a calendar entry needs of an event (see EventsService, which maps stored events to this). */
export interface CalendarEntry {
  id: string;
  title: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  location: string | null;
  /** Only for members who are going (webinars). */
  joinUrl: string | null;
  cancelled: boolean;
  sequence: number;
  createdAt: Date;
  updatedAt: Date;
  /** The event's page in the hub. */
  url: string | null;
}

const PRODUCT_ID = { company: 'Engagement Hub', product: 'Events', language: 'EN' };
/** The calendar's own host name in UIDs: stable for an event's whole life, whatever the hub's address. */
const UID_DOMAIN = 'events.engagement-hub';

/** The event's iCalendar UID: the same for its whole life, so every calendar updates one entry. */
export const eventUid = (eventId: string) => `${eventId}@${UID_DOMAIN}`;

/**
 * An RFC 5545 calendar (`text/calendar`; ical-generator writes CRLF line ends and folds lines at
 * 75 octets). Times are written in UTC, which every calendar converts to its owner's zone; the
 * description names the event's own zone. `SEQUENCE` is the event's change counter (raised on
 * every change of time, place or status), a cancelled event stays in the calendar with
 * `STATUS:CANCELLED`, and each event carries a display alarm one hour before.
 */
export function buildCalendar(name: string, entries: CalendarEntry[], options: { ttlSeconds?: number } = {}): string {
  const calendar = ical({
    name,
    prodId: PRODUCT_ID,
    method: ICalCalendarMethod.PUBLISH,
    ...(options.ttlSeconds ? { ttl: options.ttlSeconds } : {}),
  });
  for (const entry of entries) {
    const times = zonedTimes(entry.startsAt, entry.endsAt, entry.timezone, entry.timezone);
    const lines = [
      entry.description,
      `${times.start} – ${times.end} (${entry.timezone})`,
      entry.joinUrl ? `Join: ${entry.joinUrl}` : '',
      entry.url ? `Details: ${entry.url}` : '',
    ];
    calendar.createEvent({
      id: eventUid(entry.id),
      sequence: entry.sequence,
      stamp: entry.updatedAt,
      created: entry.createdAt,
      lastModified: entry.updatedAt,
      start: entry.startsAt,
      end: entry.endsAt,
      summary: entry.cancelled ? `Cancelled: ${entry.title}` : entry.title,
      description: lines.filter(Boolean).join('\n\n'),
      location: entry.location ?? entry.joinUrl ?? null,
      url: entry.url,
      status: entry.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      alarms: entry.cancelled
        ? []
        : [{ type: ICalAlarmType.display, triggerBefore: 3600, description: `${entry.title} starts in 1 hour` }],
    });
  }
  return calendar.toString();
}
