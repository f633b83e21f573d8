import * as ical from 'node-ical';
import {
  bearer,
  collect,
  connectSocket,
  eventually,
  createStaff,
  db,
  http,
  me,
  nextEvent,
  ObjectId,
  registerMember,
  runJob,
  Session,
  withProgram,
} from '../utils/hub';
import { createEvent, eventBody, notificationsOf, rsvp } from '../utils/events';

const UID = (id: string) => `${id}@events.engagement-hub`;

describe('events: check-in, attendees, calendars and reminders', () => {
  const program = withProgram();
  let manager: Session;

  beforeAll(async () => {
    manager = await createStaff(program.admin, program.organization.inviteCode, ['manager']);
  });

  const body = (fields: Record<string, unknown> = {}, startsInHours?: number, hours?: number) =>
    eventBody(program.organization.id, fields, startsInHours, hours);
  const member = () => registerMember(program.organization.inviteCode, 'attendee');
  const checkIn = (session: Session, eventId: string, code: string) =>
    http().post(`/api/events/${eventId}/check-in`).set(bearer(session.token)).send({ code });
  const attendanceEntries = async (userId: string) =>
    (await db())
      .collection('ledger')
      .find({ userId: new ObjectId(userId), 'source.type': 'event.attended' })
      .toArray();

  describe('check-in', () => {
    it('opens 30 minutes before the start and closes at the end', async () => {
      const person = await member();
      const soon = await createEvent(manager, body({}, 0.75)); // starts in 45 minutes
      await rsvp(person, soon.id).expect(200);
      await checkIn(person, soon.id, soon.checkInCode).expect(409);
      const over = await createEvent(manager, body({}, -3, 2)); // ended an hour ago
      await checkIn(person, over.id, over.checkInCode).expect(409);
      const within = await createEvent(manager, body({}, 0.4)); // starts in 24 minutes
      await checkIn(person, within.id, within.checkInCode).expect(200);
    });

    it('refuses a wrong code with 400 and accepts the code as people type it', async () => {
      const person = await member();
      const event = await createEvent(manager, body({ points: 40 }, -0.5));
      await rsvp(person, event.id).expect(200);
      const wrong = event.checkInCode === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
      expect((await checkIn(person, event.id, wrong).expect(400)).body.message).toBe('Wrong check-in code');
      await checkIn(person, event.id, { $ne: 'x' } as never).expect(400);
      const typed = `${event.checkInCode.slice(0, 3).toLowerCase()} ${event.checkInCode.slice(3)}`;
      expect((await checkIn(person, event.id, typed).expect(200)).body).toEqual({
        attended: true,
        pointsAwarded: 40,
        alreadyCheckedIn: false,
      });
    });

    it('awards the event’s points once for 10 check-ins at once, live', async () => {
      const person = await member();
      const event = await createEvent(manager, body({ points: 90 }, -0.25));
      await rsvp(person, event.id).expect(200);
      const socket = await connectSocket(person.token);
      try {
        const award = nextEvent(socket, 'points.awarded');
        const results = await Promise.all(
          Array.from({ length: 10 }, () => checkIn(person, event.id, event.checkInCode)),
        );
        expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
        expect(results.map((r) => r.body.pointsAwarded).sort((a, b) => b - a)).toEqual([90, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        expect(await award).toMatchObject({ amount: 90, source: { type: 'event.attended' } });
      } finally {
        socket.close();
      }
      expect((await attendanceEntries(person.id)).map((e) => e.amount)).toEqual([90]);
      const activity = await (await db()).collection('ledger').findOne({ userId: new ObjectId(person.id) });
      expect(activity).toMatchObject({
        source: { type: 'event.attended' },
        idempotencyKey: `activity:event:${event.id}:attended:${person.id}`,
        activity: { reportedBy: { kind: 'feature' } },
      });
      expect((await me(person)).points.balance).toBe(90);
      const seen = (await http().get(`/api/events/${event.id}`).set(bearer(person.token))).body;
      expect(seen).toMatchObject({ attended: true, myRsvp: 'going' });
      await http().delete(`/api/events/${event.id}/rsvp`).set(bearer(person.token)).expect(409); // checked in
    });

    it('lets a manager check a member in from the attendee list, once, and export it', async () => {
      const [going, waiting] = [await member(), await member()];
      const event = await createEvent(manager, body({ capacity: 1, points: 25 }, -1));
      await rsvp(going, event.id).expect(200);
      await rsvp(waiting, event.id).expect(200);
      const manual = () =>
        http().post(`/api/events/${event.id}/attendees/${going.id}/check-in`).set(bearer(manager.token)).send({});
      const results = await Promise.all([manual(), manual(), manual()]);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      expect((await attendanceEntries(going.id)).map((e) => e.amount)).toEqual([25]);
      const list = (await http().get(`/api/events/${event.id}/attendees`).set(bearer(manager.token)).expect(200)).body;
      expect(list.items).toEqual([
        expect.objectContaining({ userId: going.id, rsvp: 'going', attended: true, displayName: 'attendee person' }),
        expect.objectContaining({ userId: waiting.id, rsvp: 'waitlisted', waitlistPosition: 1, attended: false }),
      ]);
      const csv = await http().get(`/api/events/${event.id}/attendees.csv`).set(bearer(manager.token)).expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toBe('name,email,rsvp,waitlist position,attended,checked in at,answered at');
      expect(lines).toHaveLength(3);
      expect(lines[1]).toContain(`${going.email},going,,yes,`);
      await http()
        .post(`/api/events/${event.id}/attendees/${new ObjectId().toHexString()}/check-in`)
        .set(bearer(manager.token))
        .expect(404);
    });
  });

  describe('calendars', () => {
    const feedPath = (url: string) => new URL(url).pathname;
    const parse = (text: string) =>
      Object.values(ical.sync.parseICS(text)).filter((c): c is ical.VEvent => c?.type === 'VEVENT');

    it('serves my events behind a token I can rotate; UID stays, SEQUENCE rises, cancelled stays', async () => {
      const person = await member();
      const event = await createEvent(manager, body({ location: 'Hall A' }, 72));
      const other = await createEvent(manager, body({}, 96));
      await rsvp(person, event.id).expect(200);
      const link = (await http().get('/api/me/calendar').set(bearer(person.token)).expect(200)).body;
      expect(link.url).toMatch(/^http:\/\/.+\/api\/calendar\/.+\.ics$/);
      expect(link.webcalUrl).toMatch(/^webcal:\/\//);
      expect((await http().get('/api/me/calendar').set(bearer(person.token))).body.url).toBe(link.url);

      const read = async (path: string) => {
        const response = await http().get(path).expect(200);
        expect(response.headers['content-type']).toMatch(/^text\/calendar/);
        expect(response.text).toContain('\r\n');
        return parse(response.text);
      };
      let [entry, ...rest] = await read(feedPath(link.url));
      expect(rest).toEqual([]); // only events I answered
      expect(entry).toMatchObject({ uid: UID(event.id), sequence: 0, status: 'CONFIRMED', location: 'Hall A' });
      expect(entry.alarms).toEqual([expect.objectContaining({ action: 'DISPLAY', trigger: '-PT1H' })]);

      const later = new Date(Date.parse(event.startsAt as string) + 3_600_000).toISOString();
      const laterEnd = new Date(Date.parse(event.endsAt as string) + 3_600_000).toISOString();
      await http()
        .patch(`/api/events/${event.id}`)
        .set(bearer(manager.token))
        .send({ startsAt: later, endsAt: laterEnd })
        .expect(200);
      [entry] = await read(feedPath(link.url));
      expect(entry).toMatchObject({ uid: UID(event.id), sequence: 1 });
      expect(entry.start.toISOString()).toBe(later);

      await http().post(`/api/events/${event.id}/cancel`).set(bearer(manager.token)).send({}).expect(200);
      [entry] = await read(feedPath(link.url));
      expect(entry).toMatchObject({ uid: UID(event.id), sequence: 2, status: 'CANCELLED' });

      const rotated = (await http().post('/api/me/calendar/rotate').set(bearer(person.token)).expect(200)).body;
      expect(rotated.url).not.toBe(link.url);
      await http().get(feedPath(link.url)).expect(404);
      expect(await read(feedPath(rotated.url))).toHaveLength(1);
      await http().get('/api/calendar/nonsense.ics').expect(404);
      await http()
        .get(`${feedPath(rotated.url).slice(0, -5)}x.ics`)
        .expect(404);

      // "Add to calendar" for one event I may see; not for someone outside its audience.
      const single = await http().get(`/api/events/${other.id}/event.ics`).set(bearer(person.token)).expect(200);
      expect(parse(single.text)[0]).toMatchObject({ uid: UID(other.id), sequence: 0 });
      const stranger = await registerMember(
        (
          await http()
            .post('/api/organizations')
            .set(bearer(program.admin.token))
            .send({ name: `Elsewhere ${Date.now()}`, timezone: 'UTC' })
        ).body.inviteCode,
      );
      await http().get(`/api/events/${other.id}/event.ics`).set(bearer(stranger.token)).expect(404);
    });

    it('holds the events I wait for too, with the alarm an hour before and lines folded at 75 octets', async () => {
      const [first, person] = [await member(), await member()];
      // A long title and description with letters of two and three octets, so lines must fold.
      const description = `Smörgåsbord and fika — ${'åäö € '.repeat(40)}end.`;
      const full = await createEvent(
        manager,
        body({ capacity: 1, title: `Sommarfest på Skeppsholmen ${'– ett långt namn '.repeat(3)}`, description }, 80),
      );
      const going = await createEvent(manager, body({}, 90));
      await rsvp(first, full.id).expect(200);
      expect((await rsvp(person, full.id).expect(200)).body).toEqual({ status: 'waitlisted' });
      await rsvp(person, going.id).expect(200);

      const link = (await http().get('/api/me/calendar').set(bearer(person.token)).expect(200)).body;
      const response = await http().get(new URL(link.url).pathname).expect(200);
      const lines = response.text.split('\r\n');
      expect(lines.filter((line) => Buffer.byteLength(line, 'utf8') > 75)).toEqual([]);
      expect(lines.some((line) => line.startsWith(' '))).toBe(true); // folded continuation lines
      expect(response.text.replace(/\r\n/g, '')).not.toContain('\n'); // no bare LF

      const entries = parse(response.text);
      expect(entries.map((e) => e.uid).sort()).toEqual([UID(full.id), UID(going.id)].sort());
      const waited = entries.find((e) => e.uid === UID(full.id))!;
      expect(waited.summary).toBe(full.title);
      expect(waited.description).toContain(description); // unfolded intact
      for (const entry of entries) {
        expect(entry.alarms).toEqual([expect.objectContaining({ action: 'DISPLAY', trigger: '-PT1H' })]);
      }
    });
  });

  describe('reminders', () => {
    it('reminds each going member 24 hours and 1 hour before, once, however often the sweep runs, live', async () => {
      const event = await createEvent(manager, body({ capacity: 2, location: 'Hall C' }, 30));
      const [first, second, waiting] = [await member(), await member(), await member()];
      for (const person of [first, second, waiting]) await rsvp(person, event.id).expect(200);
      const start = Date.parse(event.startsAt as string);
      // The member's socket hears each reminder once; the waiting member's hears none.
      const [socket, waitingSocket] = [await connectSocket(first.token), await connectSocket(waiting.token)];
      const heard = collect(socket, 'notification');
      const heardWaiting = collect(waitingSocket, 'notification');
      const reminded = (payloads: typeof heard) => payloads.filter((n) => n.type === 'event.reminder');
      try {
        await runJob(program.admin, 'event-reminders', new Date(start - 25 * 3_600_000)); // too early
        expect(await notificationsOf(first, 'event.reminder')).toHaveLength(0);

        const day = new Date(start - 23 * 3_600_000);
        const [a, b] = await Promise.all([
          runJob(program.admin, 'event-reminders', day),
          runJob(program.admin, 'event-reminders', day),
        ]);
        expect(a.body.sent + b.body.sent).toBeGreaterThanOrEqual(2);
        await runJob(program.admin, 'event-reminders', day);
        for (const person of [first, second]) {
          expect(await notificationsOf(person, 'event.reminder')).toEqual([
            expect.objectContaining({
              link: `/events/${event.id}`,
              title: `Coming up: ${event.title}`,
              params: expect.objectContaining({ variant: '24h', eventId: event.id, location: 'Hall C' }),
            }),
          ]);
        }
        expect(await notificationsOf(waiting, 'event.reminder')).toHaveLength(0);
        await eventually(() => reminded(heard).length >= 1);
        expect(reminded(heard)[0]).toMatchObject({
          link: `/events/${event.id}`,
          title: `Coming up: ${event.title}`,
          params: { variant: '24h', eventId: event.id, location: 'Hall C' },
        });

        const hour = new Date(start - 50 * 60_000);
        await runJob(program.admin, 'event-reminders', hour);
        await runJob(program.admin, 'event-reminders', hour);
        const reminders = await notificationsOf(first, 'event.reminder');
        expect(reminders.map((r) => r.params.variant).sort()).toEqual(['1h', '24h']);
        await runJob(program.admin, 'event-reminders', new Date(start + 60_000)); // started: nothing more
        expect(await notificationsOf(second, 'event.reminder')).toHaveLength(2);

        await eventually(() => reminded(heard).length >= 2);
        expect(reminded(heard)[1]).toMatchObject({ title: `Starting soon: ${event.title}`, params: { variant: '1h' } });
        // Everything the sweeps sent has reached the sockets by now (the 1-hour one came after them).
        expect(reminded(heard).map((n) => n.params.variant)).toEqual(['24h', '1h']);
        expect(reminded(heardWaiting)).toEqual([]);
      } finally {
        socket.close();
        waitingSocket.close();
      }
    });
    it('does not tell a member who RSVPs 3 hours before that the event is tomorrow', async () => {
      const event = await createEvent(manager, body({ location: 'Hall D' }, 3));
      const late = await member();
      await rsvp(late, event.id).expect(200);
      const start = Date.parse(event.startsAt as string);
      await runJob(program.admin, 'event-reminders', new Date(start - 3 * 3_600_000 + 60_000));
      await runJob(program.admin, 'event-reminders', new Date(start - 2 * 3_600_000));
      expect(await notificationsOf(late, 'event.reminder')).toHaveLength(0);

      await runJob(program.admin, 'event-reminders', new Date(start - 55 * 60_000));
      const [reminder, ...more] = await notificationsOf(late, 'event.reminder');
      expect(more).toEqual([]);
      expect(reminder).toMatchObject({ title: `Starting soon: ${event.title}`, params: { variant: '1h' } });
      expect(reminder.title).not.toMatch(/tomorrow/i);

      // One who RSVPs 20 hours before still hears of it a day ahead, with the start named.
      const nextDay = await createEvent(manager, body({}, 20));
      await rsvp(late, nextDay.id).expect(200);
      await runJob(program.admin, 'event-reminders', new Date(Date.parse(nextDay.startsAt as string) - 20 * 3_600_000));
      const [ahead] = (await notificationsOf(late, 'event.reminder')).filter((n) => n.params.eventId === nextDay.id);
      expect(ahead).toMatchObject({ title: `Coming up: ${nextDay.title}`, params: { variant: '24h' } });
      expect((ahead as { body?: string }).body).toMatch(/^Starts /);
    });
  });
});
