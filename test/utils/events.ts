import { DateTime } from 'luxon';
import { bearer, db, http, ObjectId, Session, unique } from './hub';

/** An event body a manager would send, starting `startsInHours` from now for `hours`. */
export function eventBody(organizationId: string, fields: Record<string, unknown> = {}, startsInHours = 48, hours = 2) {
  const start = DateTime.now().plus({ hours: startsInHours }).startOf('minute');
  return {
    title: unique('Event'),
    description: 'Hands-on session',
    kind: 'club',
    startsAt: start.toUTC().toISO(),
    endsAt: start.plus({ hours }).toUTC().toISO(),
    timezone: 'Europe/Stockholm',
    capacity: 10,
    points: 60,
    // Aimed at the suite's organization, so other suites' members never see it.
    audience: { organizationIds: [organizationId] },
    ...fields,
  };
}

export async function createEvent(manager: Session, body: Record<string, unknown>) {
  const response = await http().post('/api/events').set(bearer(manager.token)).send(body);
  if (response.status !== 201) throw new Error(`create event: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { id: string; title: string; checkInCode: string; [key: string]: unknown };
}

export const rsvp = (member: Session, eventId: string) =>
  http().post(`/api/events/${eventId}/rsvp`).set(bearer(member.token));

export const leave = (member: Session, eventId: string) =>
  http().delete(`/api/events/${eventId}/rsvp`).set(bearer(member.token));

export const getEvent = (session: Session, eventId: string) =>
  http().get(`/api/events/${eventId}`).set(bearer(session.token));

export async function notificationsOf(member: Session, type: string) {
  const inbox = await http().get('/api/me/notifications?limit=100').set(bearer(member.token)).expect(200);
  return (
    inbox.body.items as Array<{ type: string; params: Record<string, unknown>; link?: string; title: string }>
  ).filter((item) => item.type === type);
}

/** The RSVP documents of an event, as stored. */
export async function storedRsvps(eventId: string) {
  return (await db())
    .collection('event_rsvps')
    .find({ eventId: new ObjectId(eventId) })
    .toArray();
}
