import { api, ApiError, done, errorMessage, unwrap, type Schemas } from './client';
import { t } from '$lib/i18n';

export type HubEvent = Schemas['EventDto'];
export type EventBody = Schemas['CreateEventDto'];
export type EventChanges = Schemas['UpdateEventDto'];
export type EventKind = HubEvent['kind'];
export type Attendee = Schemas['AttendeeDto'];
export type EventQuery = {
  from?: string;
  to?: string;
  kind?: EventKind;
  mine?: boolean;
  order?: 'asc' | 'desc';
  cursor?: string;
  limit?: number;
};

export const EVENT_KINDS: EventKind[] = ['club', 'workshop', 'webinar'];

const byId = (id: string) => ({ params: { path: { id } } });

/** Events visible to me (members: their audience; staff: all), a page at a time. */
export const listEvents = (query: EventQuery = {}) => unwrap(api.GET('/api/events', { params: { query } }));

export const getEvent = (id: string) => unwrap(api.GET('/api/events/{id}', byId(id)));

export const createEvent = (body: EventBody) => unwrap(api.POST('/api/events', { body }));

export const updateEvent = (id: string, body: EventChanges) =>
  unwrap(api.PATCH('/api/events/{id}', { ...byId(id), body }));

export const cancelEvent = (id: string, reason?: string) =>
  unwrap(api.POST('/api/events/{id}/cancel', { ...byId(id), body: reason ? { reason } : {} }));

/** Going while a seat is free, else the waitlist; repeating it changes nothing. */
export const rsvpEvent = (id: string) => unwrap(api.POST('/api/events/{id}/rsvp', byId(id)));

export const leaveEvent = (id: string) => done(api.DELETE('/api/events/{id}/rsvp', byId(id)));

export const checkIn = (id: string, code: string) =>
  unwrap(api.POST('/api/events/{id}/check-in', { ...byId(id), body: { code } }));

export const listAttendees = (id: string) => unwrap(api.GET('/api/events/{id}/attendees', byId(id)));

export const checkInMember = (id: string, userId: string) =>
  unwrap(api.POST('/api/events/{id}/attendees/{userId}/check-in', { params: { path: { id, userId } } }));

export const myCalendar = () => unwrap(api.GET('/api/me/calendar'));

export const rotateCalendar = () => unwrap(api.POST('/api/me/calendar/rotate'));

/** Fetches a file the API serves only to signed-in callers and hands it to the browser as a download. */
async function download(call: Promise<{ data?: Blob; error?: unknown; response: Response }>, filename: string) {
  let result: Awaited<typeof call>;
  try {
    result = await call;
  } catch {
    throw new ApiError(0, t('error.network'));
  }
  if (!result.response.ok || !result.data) {
    throw new ApiError(result.response.status, errorMessage(result.error, t('error.generic')));
  }
  const url = URL.createObjectURL(result.data);
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "Add to calendar": the event as an .ics file. */
export const downloadEventIcs = (id: string, title: string) =>
  download(api.GET('/api/events/{id}/event.ics', { ...byId(id), parseAs: 'blob' }), `${slug(title)}.ics`);

export const downloadAttendeesCsv = (id: string, title: string) =>
  download(api.GET('/api/events/{id}/attendees.csv', { ...byId(id), parseAs: 'blob' }), `${slug(title)}-attendees.csv`);

const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'event';
