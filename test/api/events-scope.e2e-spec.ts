import {
  bearer,
  createOrganization,
  createStaff,
  db,
  http,
  ObjectId,
  Organization,
  registerMember,
  Session,
  withProgram,
} from '../utils/hub';
import { createEvent, eventBody, getEvent, notificationsOf, rsvp } from '../utils/events';

/**
 * Staff who belong to an organization act only within it, as everywhere in the hub: they create
 * events for it, and list, see, edit, cancel, read attendees of and check members in at events
 * aimed at it only (404 otherwise, as if the event did not exist). Admins act on every event.
 */
describe('events: staff act within their organization', () => {
  const program = withProgram();
  let other: Organization;
  let managerA: Session;
  let managerB: Session;

  beforeAll(async () => {
    other = await createOrganization(program.admin);
    managerA = await createStaff(program.admin, program.organization.inviteCode, ['manager']);
    managerB = await createStaff(program.admin, other.inviteCode, ['manager']);
  });

  const as = (session: Session) => bearer(session.token);
  const stored = async (id: string) => (await db()).collection('events').findOne({ _id: new ObjectId(id) });
  const attendance = async (userId: string) =>
    (await db())
      .collection('ledger')
      .find({ userId: new ObjectId(userId), 'source.type': 'event.attended' })
      .toArray();
  const ids = async (session: Session) =>
    ((await http().get('/api/events?limit=100').set(as(session)).expect(200)).body.items as Array<{ id: string }>).map(
      (event) => event.id,
    );

  it('gives a manager of another organization 404 on every path and changes nothing; an admin can', async () => {
    // Started 15 minutes ago: the check-in window is open, so only the scope can refuse.
    const event = await createEvent(managerA, eventBody(program.organization.id, { points: 30 }, -0.25));
    const member = await registerMember(program.organization.inviteCode, 'member-a');
    await rsvp(member, event.id).expect(200);
    const before = await stored(event.id);

    await http()
      .patch(`/api/events/${event.id}`)
      .set(as(managerB))
      .send({ title: 'Taken over', capacity: 99 })
      .expect(404);
    await http().post(`/api/events/${event.id}/cancel`).set(as(managerB)).send({ reason: 'Mine now' }).expect(404);
    await getEvent(managerB, event.id).expect(404);
    await http().get(`/api/events/${event.id}/event.ics`).set(as(managerB)).expect(404);
    await http().get(`/api/events/${event.id}/attendees`).set(as(managerB)).expect(404);
    await http().get(`/api/events/${event.id}/attendees.csv`).set(as(managerB)).expect(404);
    await http().post(`/api/events/${event.id}/attendees/${member.id}/check-in`).set(as(managerB)).send({}).expect(404);
    expect(await ids(managerB)).not.toContain(event.id);

    expect(await stored(event.id)).toEqual(before);
    expect(await attendance(member.id)).toEqual([]);
    expect(await notificationsOf(member, 'event.changed')).toHaveLength(0);
    expect(await notificationsOf(member, 'event.cancelled')).toHaveLength(0);

    // Its own manager and an admin (no organization) can.
    expect(await ids(managerA)).toContain(event.id);
    const admin = program.admin;
    expect(await ids(admin)).toContain(event.id);
    await http().patch(`/api/events/${event.id}`).set(as(admin)).send({ location: 'Hall B' }).expect(200);
    const list = (await http().get(`/api/events/${event.id}/attendees`).set(as(admin)).expect(200)).body.items;
    expect(list).toEqual([expect.objectContaining({ userId: member.id, rsvp: 'going' })]);
    const checkIn = await http()
      .post(`/api/events/${event.id}/attendees/${member.id}/check-in`)
      .set(as(admin))
      .send({})
      .expect(200);
    expect(checkIn.body).toMatchObject({ attended: true, pointsAwarded: 30 });
    await http().post(`/api/events/${event.id}/cancel`).set(as(admin)).send({}).expect(200);
    expect(await stored(event.id)).toMatchObject({ status: 'cancelled', location: 'Hall B' });
  });

  it('creates events for the manager’s own organization only', async () => {
    const count = async () => (await db()).collection('events').countDocuments();
    const before = await count();
    const body = (fields: Record<string, unknown>) => ({ ...eventBody(other.id), ...fields });
    await http()
      .post('/api/events')
      .set(as(managerB))
      .send(body({ audience: { organizationIds: [program.organization.id] } }))
      .expect(403);
    await http()
      .post('/api/events')
      .set(as(managerB))
      .send(body({ audience: { organizationIds: [other.id, program.organization.id] } }))
      .expect(403);
    expect(await count()).toBe(before);

    // No organization named: theirs, not everyone's.
    const mine = await createEvent(managerB, body({ audience: undefined }));
    expect(mine.audience).toMatchObject({ organizationIds: [other.id] });
    expect(mine.changeable).toBe(true);
    const outsider = await registerMember(program.organization.inviteCode, 'outsider');
    await getEvent(outsider, mine.id).expect(404);
    await getEvent(managerA, mine.id).expect(404);

    // An edit cannot aim it elsewhere; a new audience without organizations stays theirs.
    await http()
      .patch(`/api/events/${mine.id}`)
      .set(as(managerB))
      .send({ audience: { organizationIds: [program.organization.id] } })
      .expect(403);
    const edited = await http()
      .patch(`/api/events/${mine.id}`)
      .set(as(managerB))
      .send({ audience: { tiers: ['gold'] } })
      .expect(200);
    expect(edited.body.audience).toMatchObject({ organizationIds: [other.id], tiers: ['gold'] });
  });

  it('on an event shared with other organizations: sees it, checks in its own members only, cannot change it', async () => {
    const shared = await createEvent(
      program.admin,
      eventBody(
        program.organization.id,
        { points: 20, audience: { organizationIds: [program.organization.id, other.id] } },
        -0.25,
      ),
    );
    const memberA = await registerMember(program.organization.inviteCode, 'shared-a');
    const memberB = await registerMember(other.inviteCode, 'shared-b');
    await rsvp(memberA, shared.id).expect(200);
    await rsvp(memberB, shared.id).expect(200);
    const before = await stored(shared.id);

    expect(await ids(managerB)).toContain(shared.id);
    // The console is told it may not change it (as the 403s below say), an admin that it may.
    expect((await getEvent(managerB, shared.id).expect(200)).body.changeable).toBe(false);
    expect((await getEvent(program.admin, shared.id).expect(200)).body.changeable).toBe(true);
    const list = (await http().get(`/api/events/${shared.id}/attendees`).set(as(managerB)).expect(200)).body.items;
    expect(list.map((row: { userId: string }) => row.userId)).toEqual([memberB.id]);

    // A member of another organization: 404 and no award.
    await http()
      .post(`/api/events/${shared.id}/attendees/${memberA.id}/check-in`)
      .set(as(managerB))
      .send({})
      .expect(404);
    expect(await attendance(memberA.id)).toEqual([]);
    const own = await http()
      .post(`/api/events/${shared.id}/attendees/${memberB.id}/check-in`)
      .set(as(managerB))
      .send({})
      .expect(200);
    expect(own.body).toMatchObject({ attended: true, pointsAwarded: 20 });

    // Changing it would change it for the other organization's members: an admin's to do.
    await http().patch(`/api/events/${shared.id}`).set(as(managerB)).send({ capacity: 1 }).expect(403);
    await http().post(`/api/events/${shared.id}/cancel`).set(as(managerB)).send({}).expect(403);
    expect(await stored(shared.id)).toMatchObject({
      status: 'scheduled',
      capacity: before!.capacity,
      sequence: before!.sequence,
    });
    expect(await notificationsOf(memberA, 'event.cancelled')).toHaveLength(0);
  });
});
