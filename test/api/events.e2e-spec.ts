import {
  bearer,
  collect,
  connectSocket,
  createOrganization,
  createStaff,
  db,
  eventually,
  http,
  ObjectId,
  registerMember,
  runJob,
  Session,
  withProgram,
} from '../utils/hub';
import { createEvent, eventBody, getEvent, leave, notificationsOf, rsvp, storedRsvps } from '../utils/events';

describe('events: seats, waitlist, audience and tiers', () => {
  const program = withProgram();
  let manager: Session;

  beforeAll(async () => {
    manager = await createStaff(program.admin, program.organization.inviteCode, ['manager']);
  });

  const body = (fields: Record<string, unknown> = {}, startsInHours?: number, hours?: number) =>
    eventBody(program.organization.id, fields, startsInHours, hours);
  const members = (count: number) =>
    Promise.all(Array.from({ length: count }, () => registerMember(program.organization.inviteCode, 'guest')));

  it('creates an event with a spoken check-in code that members never see', async () => {
    const created = await createEvent(manager, body({ capacity: 3 }));
    expect(created).toMatchObject({
      id: expect.any(String),
      status: 'scheduled',
      capacity: 3,
      going: 0,
      waitlisted: 0,
    });
    expect(created.checkInCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    const [member] = await members(1);
    const seen = (await getEvent(member, created.id).expect(200)).body;
    expect(seen).not.toHaveProperty('checkInCode');
    expect(seen).toMatchObject({ myRsvp: null, locked: false, seatsLeft: 3, description: 'Hands-on session' });
  });

  it('reads a time without an offset as wall time in the event’s zone (DST included)', async () => {
    const created = await createEvent(
      manager,
      body({ startsAt: '2031-03-24T09:00', endsAt: '2031-03-24T11:00', timezone: 'America/New_York' }),
    );
    // 24 March 2031 is after the US change (EDT, UTC−4).
    expect(created).toMatchObject({ startsAt: '2031-03-24T13:00:00.000Z', endsAt: '2031-03-24T15:00:00.000Z' });
  });

  it('gives 10 seats to 50 members RSVPing at once and waitlists the other 40 in order', async () => {
    const event = await createEvent(manager, body({ capacity: 10 }));
    const people = await members(50);
    const answers = await Promise.all(people.map((person) => rsvp(person, event.id)));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    const statuses = answers.map((a) => a.body.status);
    expect(statuses.filter((s) => s === 'going')).toHaveLength(10);
    expect(statuses.filter((s) => s === 'waitlisted')).toHaveLength(40);
    const stored = await storedRsvps(event.id);
    expect(stored.filter((r) => r.status === 'going')).toHaveLength(10);
    expect(stored.filter((r) => r.status === 'waitlisted')).toHaveLength(40);
    const seen = (await getEvent(people[0], event.id).expect(200)).body;
    expect(seen).toMatchObject({ going: 10, waitlisted: 40, seatsLeft: 0 });

    // Positions 1…40 follow the tickets; repeating an RSVP changes nothing.
    const waiting = stored.filter((r) => r.status === 'waitlisted').sort((a, b) => a.seq - b.seq);
    const byId = new Map(people.map((p) => [p.id, p]));
    const firstWaiting = byId.get(waiting[0].userId.toHexString())!;
    expect((await getEvent(firstWaiting, event.id).expect(200)).body).toMatchObject({
      myRsvp: 'waitlisted',
      myWaitlistPosition: 1,
    });
    expect((await rsvp(firstWaiting, event.id).expect(200)).body).toEqual({ status: 'waitlisted' });
    expect(await storedRsvps(event.id)).toHaveLength(50);

    // Ten going members leave at once: the first ten waiting get the seats, in order, and hear of it.
    const going = stored.filter((r) => r.status === 'going').map((r) => byId.get(r.userId.toHexString())!);
    const promotedIds = waiting.slice(0, 10).map((r) => r.userId.toHexString());
    const socket = await connectSocket(byId.get(promotedIds[9])!.token);
    const heard = collect(socket, 'notification');
    try {
      const left = await Promise.all(going.map((person) => leave(person, event.id)));
      expect(left.map((l) => l.status)).toEqual(Array(10).fill(204));
      const after = await storedRsvps(event.id);
      const nowGoing = after.filter((r) => r.status === 'going').map((r) => r.userId.toHexString());
      expect(nowGoing.sort()).toEqual([...promotedIds].sort());
      const stillWaiting = after.filter((r) => r.status === 'waitlisted').sort((a, b) => a.seq - b.seq);
      expect(stillWaiting.map((r) => r.userId.toHexString())).toEqual(
        waiting.slice(10).map((r) => r.userId.toHexString()),
      );
      await eventually(() => heard.some((n) => n.type === 'event.promoted'));
      expect(heard.find((n) => n.type === 'event.promoted')).toMatchObject({
        link: `/events/${event.id}`,
        params: { eventId: event.id, title: event.title },
      });
      for (const id of promotedIds.slice(0, 3)) {
        expect(await notificationsOf(byId.get(id)!, 'event.promoted')).toHaveLength(1);
      }
      expect((await getEvent(going[0], event.id).expect(200)).body).toMatchObject({ going: 10, waitlisted: 30 });
    } finally {
      socket.close();
    }
  }, 120_000);

  it('promotes the first waitlisted members at once when the capacity grows', async () => {
    const event = await createEvent(manager, body({ capacity: 2 }));
    const people = await members(6);
    for (const person of people) await rsvp(person, event.id).expect(200);
    const updated = await http()
      .patch(`/api/events/${event.id}`)
      .set(bearer(manager.token))
      .send({ capacity: 5 })
      .expect(200);
    expect(updated.body).toMatchObject({ capacity: 5, going: 5, waitlisted: 1 });
    const statuses = await Promise.all(people.map(async (p) => (await getEvent(p, event.id)).body.myRsvp));
    expect(statuses).toEqual(['going', 'going', 'going', 'going', 'going', 'waitlisted']);
    expect(await notificationsOf(people[2], 'event.promoted')).toHaveLength(1);
    expect(await notificationsOf(people[0], 'event.promoted')).toHaveLength(0);
  });

  it('repairs counters a request that died part-way left off, and seats the waitlist (the sweep)', async () => {
    const event = await createEvent(manager, body({ capacity: 2 }));
    const people = await members(3);
    for (const person of people) await rsvp(person, event.id).expect(200);
    // A leave that wrote the RSVP and died before giving the seat back, some minutes ago.
    const database = await db();
    await database
      .collection<{ _id: string }>('event_rsvps')
      .updateOne({ _id: `${event.id}:${people[0].id}` }, { $set: { status: 'left' } });
    const stale = new Date(Date.now() - 5 * 60_000);
    await database.collection('events').updateOne({ _id: new ObjectId(event.id) }, { $set: { updatedAt: stale } });
    expect((await getEvent(people[2], event.id)).body).toMatchObject({ going: 2, waitlisted: 1, myRsvp: 'waitlisted' });

    const repair = await runJob(program.admin, 'event-seats');
    expect(repair.body).toMatchObject({ repaired: 1, promoted: 1 });
    expect((await getEvent(people[2], event.id)).body).toMatchObject({ going: 2, waitlisted: 0, myRsvp: 'going' });
    expect((await runJob(program.admin, 'event-seats')).body).toMatchObject({ repaired: 0, promoted: 0 });
  });

  it('shows events only to their audience and locks them for lower tiers', async () => {
    const other = await createOrganization(program.admin);
    const outsider = await registerMember(other.inviteCode, 'outsider');
    const [member, gold] = await members(2);
    await http()
      .post('/api/points/adjustments')
      .set(bearer(program.admin.token))
      .send({ userId: gold.id, amount: 5000, reason: 'Trade fair', idempotencyKey: `gold-${gold.id}` })
      .expect(201);
    const exclusive = await createEvent(manager, body({ minTier: 'gold' }));

    await getEvent(outsider, exclusive.id).expect(404);
    await rsvp(outsider, exclusive.id).expect(404);
    const outsiderList = (await http().get('/api/events').set(bearer(outsider.token)).expect(200)).body.items;
    expect(outsiderList.map((e: { id: string }) => e.id)).not.toContain(exclusive.id);

    const list = (await http().get('/api/events').set(bearer(member.token)).expect(200)).body.items;
    expect(list.find((e: { id: string }) => e.id === exclusive.id)).toMatchObject({
      locked: true,
      minTier: 'gold',
      minTierName: 'Gold',
      myRsvp: null,
    });
    await rsvp(member, exclusive.id).expect(403);
    expect((await getEvent(gold, exclusive.id).expect(200)).body.locked).toBe(false);
    expect((await rsvp(gold, exclusive.id).expect(200)).body.status).toBe('going');
  });

  it('shows a webinar’s join link only to members who are going', async () => {
    const webinar = await createEvent(
      manager,
      body({ kind: 'webinar', capacity: 1, joinUrl: 'https://meet.example.com/abc', location: null }),
    );
    const [first, second] = await members(2);
    expect((await getEvent(first, webinar.id)).body.joinUrl).toBeUndefined();
    await rsvp(first, webinar.id).expect(200);
    await rsvp(second, webinar.id).expect(200);
    expect((await getEvent(first, webinar.id)).body.joinUrl).toBe('https://meet.example.com/abc');
    expect((await getEvent(second, webinar.id)).body).toMatchObject({ myRsvp: 'waitlisted' });
    expect((await getEvent(second, webinar.id)).body.joinUrl).toBeUndefined();
    const list = (await http().get('/api/events').set(bearer(first.token))).body.items;
    expect(list.find((e: { id: string }) => e.id === webinar.id).joinUrl).toBe('https://meet.example.com/abc');
  });

  it('lists upcoming, mine and past events, by kind, with pages', async () => {
    const past = await createEvent(manager, body({ kind: 'workshop' }, -72));
    const upcoming = await createEvent(manager, body({ kind: 'workshop' }, 24));
    const [member] = await members(1);
    await rsvp(member, upcoming.id).expect(200);
    const ids = (query: string) =>
      http()
        .get(`/api/events${query}`)
        .set(bearer(member.token))
        .expect(200)
        .then((r) => r.body.items.map((e: { id: string }) => e.id) as string[]);
    expect(await ids('?kind=workshop')).toContain(upcoming.id);
    expect(await ids('?kind=workshop')).not.toContain(past.id);
    expect(await ids(`?to=${new Date().toISOString()}&order=desc`)).toContain(past.id);
    expect(await ids('?mine=true')).toEqual([upcoming.id]);
    expect(await ids('?kind=webinar')).not.toContain(upcoming.id);
    const first = (await http().get('/api/events?limit=1').set(bearer(member.token)).expect(200)).body;
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (
      await http().get(`/api/events?limit=1&cursor=${first.nextCursor}`).set(bearer(member.token)).expect(200)
    ).body;
    expect(second.items[0].id).not.toBe(first.items[0].id);
  });

  it('cancels once, tells everyone going or waiting, refuses RSVPs and keeps the event listed', async () => {
    const event = await createEvent(manager, body({ capacity: 1 }));
    const [going, waiting, late] = await members(3);
    await rsvp(going, event.id).expect(200);
    await rsvp(waiting, event.id).expect(200);
    const cancelled = await http()
      .post(`/api/events/${event.id}/cancel`)
      .set(bearer(manager.token))
      .send({ reason: 'The venue flooded' })
      .expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'The venue flooded' });
    await http().post(`/api/events/${event.id}/cancel`).set(bearer(manager.token)).send({}).expect(200);
    await rsvp(late, event.id).expect(409);
    for (const person of [going, waiting]) {
      const [notice] = await notificationsOf(person, 'event.cancelled');
      expect(notice).toMatchObject({ link: `/events/${event.id}`, params: { reason: 'The venue flooded' } });
      expect(await notificationsOf(person, 'event.cancelled')).toHaveLength(1);
    }
    expect(await notificationsOf(late, 'event.cancelled')).toHaveLength(0);
    const listed = (await http().get('/api/events').set(bearer(going.token))).body.items;
    expect(listed.find((e: { id: string }) => e.id === event.id)).toMatchObject({ status: 'cancelled' });
    await http().patch(`/api/events/${event.id}`).set(bearer(manager.token)).send({ capacity: 4 }).expect(409);
  });

  it('tells everyone going or waiting when the time or place changes, not for a new title', async () => {
    const event = await createEvent(manager, body({ capacity: 1, location: 'Hall A' }));
    const [going, waiting] = await members(2);
    await rsvp(going, event.id).expect(200);
    await rsvp(waiting, event.id).expect(200);
    await http()
      .patch(`/api/events/${event.id}`)
      .set(bearer(manager.token))
      .send({ title: `${event.title}!` })
      .expect(200);
    expect(await notificationsOf(going, 'event.changed')).toHaveLength(0);
    const moved = await http()
      .patch(`/api/events/${event.id}`)
      .set(bearer(manager.token))
      .send({ location: 'Hall B' })
      .expect(200);
    expect(moved.body.sequence).toBe(1);
    for (const person of [going, waiting]) {
      expect(await notificationsOf(person, 'event.changed')).toEqual([
        expect.objectContaining({ params: expect.objectContaining({ variant: 'place', location: 'Hall B' }) }),
      ]);
    }
  });

  it('lets only managers create, edit, cancel and read attendees', async () => {
    const event = await createEvent(manager, body());
    const [member] = await members(1);
    await http().post('/api/events').set(bearer(member.token)).send(body()).expect(403);
    await http().patch(`/api/events/${event.id}`).set(bearer(member.token)).send({ capacity: 99 }).expect(403);
    await http().post(`/api/events/${event.id}/cancel`).set(bearer(member.token)).send({}).expect(403);
    await http().get(`/api/events/${event.id}/attendees`).set(bearer(member.token)).expect(403);
    await http().get(`/api/events/${event.id}/attendees.csv`).set(bearer(member.token)).expect(403);
    await http().get('/api/events').expect(401);
    await rsvp(manager, event.id).expect(403); // staff run events; members attend them
  });

  it('refuses bad input with a 400 and stores nothing', async () => {
    const count = async () => (await db()).collection('events').countDocuments();
    const before = await count();
    const bad: Array<Record<string, unknown>> = [
      body({ endsAt: body().startsAt, startsAt: body({}, 50).startsAt }), // end before start
      body({ endsAt: body().startsAt }), // end equals start
      body({ timezone: 'Mars/Olympus_Mons' }),
      body({ capacity: -5 }),
      body({ capacity: 2.5 }),
      body({ points: -1 }),
      body({ kind: 'party' }),
      body({ minTier: 'diamond-plus' }),
      body({ audience: { tiers: ['bronze'] } }),
      body({ audience: { organizationIds: ['not-an-id'] } }),
      body({ title: { $gt: '' } }),
      body({ startsAt: { $gt: '' } }),
      body({ 'audience.tiers': ['gold'] }),
      body({ $where: 'true' }),
      body({ seatsFree: 1000 }),
      body({ title: 'x'.repeat(10_000) }),
      body({ description: 'x'.repeat(100_000) }),
      body({ joinUrl: 'javascript:alert(1)' }),
      body({ startsAt: 'yesterday' }),
    ];
    for (const payload of bad) {
      const response = await http().post('/api/events').set(bearer(manager.token)).send(payload);
      expect([response.status, payload]).toEqual([400, payload]);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    expect(await count()).toBe(before);

    const event = await createEvent(manager, body());
    const patch = (payload: Record<string, unknown>) =>
      http().patch(`/api/events/${event.id}`).set(bearer(manager.token)).send(payload);
    await patch({ endsAt: '2000-01-01T00:00:00.000Z' }).expect(400);
    await patch({ capacity: -1 }).expect(400);
    await patch({ timezone: 'Nowhere/Else' }).expect(400);
    await patch({ title: null }).expect(400);
    await patch({ audience: null }).expect(400);
    await patch({ points: null, location: null }).expect(400);
    await patch({ capacity: { $inc: 5 } }).expect(400);
    const stored = await (await db()).collection('events').findOne({ _id: new ObjectId(event.id) });
    expect(stored).toMatchObject({ title: event.title, capacity: 10, sequence: 0 });
    await http().get('/api/events/not-an-id').set(bearer(manager.token)).expect(400);
    await http().get(`/api/events/${new ObjectId().toHexString()}`).set(bearer(manager.token)).expect(404);
    await http().get('/api/events?from=yesterday').set(bearer(manager.token)).expect(400);
    await http().get('/api/events?limit=5000').set(bearer(manager.token)).expect(400);
    await http().get('/api/events?cursor[$gt]=').set(bearer(manager.token)).expect(400);
  });
});
