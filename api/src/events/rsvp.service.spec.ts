import { Types } from 'mongoose';
import type { DomainEventBus } from '../common/domain-event-bus';
import type { Principal } from '../common/roles';
import type { AtomicWrites } from '../database/atomic-writes';
import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
import type { UserRecord } from '../users/users.repository';
import { EventsRepository } from './events.repository';
import type { EventsService } from './events.service';
import { RsvpService } from './rsvp.service';
import { RsvpsRepository } from './rsvps.repository';
import { EventReminder, EventReminderSchema } from './schemas/event-reminder.schema';
import { Event, EventSchema } from './schemas/event.schema';
import { Rsvp, RsvpSchema } from './schemas/rsvp.schema';
import { WaitlistTicket, WaitlistTicketSchema } from './schemas/waitlist-ticket.schema';

/**
 * The seat and waitlist rules against the real embedded FerretDB, with two "hub processes"
 * (each its own AtomicWrites, sharing leases through Redis) taking requests at once.
 */
describe('RSVPs, seats and the waitlist (embedded FerretDB, two processes)', () => {
  let db: RealDatabase;
  let seats: EventsRepository;
  let rsvpsA: RsvpsRepository;
  let services: RsvpService[];
  const announced: string[] = [];
  const events = new Map<string, Event>();

  beforeAll(async () => {
    db = await realDatabase();
    const eventModel = db.model<Event>(Event.name, EventSchema);
    const rsvpModel = db.model<Rsvp>(Rsvp.name, RsvpSchema);
    const reminderModel = db.model<EventReminder>(EventReminder.name, EventReminderSchema);
    const ticketModel = db.model<WaitlistTicket>(WaitlistTicket.name, WaitlistTicketSchema);
    await rsvpModel.init();
    const processes: AtomicWrites[] = [await db.atomicWrites(), await db.atomicWrites()];
    seats = new EventsRepository(eventModel, processes[0]);
    rsvpsA = new RsvpsRepository(rsvpModel, reminderModel, ticketModel, processes[0]);
    const bus = {
      publish: (_name: string, event: { userId: string }) => Promise.resolve(void announced.push(event.userId)),
    } as unknown as DomainEventBus;
    services = processes.map((atomic) => {
      const access = (caller: Principal, id: string) =>
        Promise.resolve({
          event: events.get(id)!,
          user: {
            _id: new Types.ObjectId(caller.id),
            organizationId: null,
            tierKey: 'member',
          } as unknown as UserRecord,
          staff: false,
          locked: false,
        });
      const eventsService = { memberAccess: access, access, facts: () => ({}) } as unknown as EventsService;
      return new RsvpService(
        eventsService,
        new EventsRepository(eventModel, atomic),
        new RsvpsRepository(rsvpModel, reminderModel, ticketModel, atomic),
        bus,
      );
    });
  });
  afterAll(() => db.close());

  async function newEvent(capacity: number | null): Promise<Event> {
    const event = await seats.create({
      title: 'Clinic',
      description: '',
      kind: 'club',
      startsAt: new Date(Date.now() + 86_400_000),
      endsAt: new Date(Date.now() + 90_000_000),
      timezone: 'Europe/Stockholm',
      capacity,
      minTier: null,
      audience: { organizationIds: [], tiers: [], roles: [] },
      location: null,
      joinUrl: null,
      points: 10,
      checkInCode: 'ABC234',
      createdBy: new Types.ObjectId(),
    });
    events.set(event._id.toHexString(), event);
    return event;
  }
  const members = (count: number): Principal[] =>
    Array.from({ length: count }, () => ({
      id: new Types.ObjectId().toHexString(),
      roles: ['member'],
      organizationId: null,
      teamId: null,
    }));
  const service = (i: number) => services[i % 2];
  const idOf = (event: Event) => event._id.toHexString();

  /** The documents and the counters agree, and no seat is free while someone waits. */
  async function expectConsistent(event: Event) {
    const rows = await rsvpsA.attendees(event._id);
    const going = rows.filter((r) => r.status === 'going');
    const waiting = rows.filter((r) => r.status === 'waitlisted');
    const counters = (await seats.find(event._id))!;
    expect(counters.going).toBe(going.length);
    expect(counters.waitlisted).toBe(waiting.length);
    expect(counters.seatsFree).toBe((event.capacity ?? 0) - going.length);
    expect(counters.seatsFree === 0 || waiting.length === 0).toBe(true);
    return { going, waiting: waiting.sort((a, b) => a.seq! - b.seq!) };
  }

  it('seats exactly the capacity of 50 RSVPs at once, the rest wait in ticket order', async () => {
    const event = await newEvent(10);
    const people = members(50);
    const results = await allAtOnce(50, (i) => service(i).rsvp(people[i], idOf(event)));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const answers = results.map((r) => (r as PromiseFulfilledResult<{ status: string }>).value.status);
    expect(answers.filter((s) => s === 'going')).toHaveLength(10);
    expect(answers.filter((s) => s === 'waitlisted')).toHaveLength(40);
    const { waiting } = await expectConsistent(event);
    expect(new Set(waiting.map((r) => r.seq)).size).toBe(40);
    const positions = await Promise.all(waiting.map((r) => rsvpsA.position(event._id, r.seq!)));
    expect(positions).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('changes nothing when one member RSVPs ten times at once', async () => {
    const event = await newEvent(2);
    const [first, second] = members(2);
    await service(0).rsvp(first, idOf(event));
    const results = await allAtOnce(10, (i) => service(i).rsvp(second, idOf(event)));
    expect(results.every((r) => r.status === 'fulfilled' && r.value.status === 'going')).toBe(true);
    const { going } = await expectConsistent(event);
    expect(going).toHaveLength(2);
    const third = members(1)[0];
    await Promise.all([service(0).rsvp(third, idOf(event)), service(1).rsvp(third, idOf(event))]);
    const { waiting } = await expectConsistent(event);
    expect(waiting.map((r) => r.userId.toHexString())).toEqual([third.id]);
  });

  it('promotes the first waitlisted members in order when ten going members leave at once', async () => {
    const event = await newEvent(10);
    const people = members(30);
    for (const person of people) await service(0).rsvp(person, idOf(event));
    announced.length = 0;
    await allAtOnce(10, (i) => service(i).leave(people[i], idOf(event)));
    const { going, waiting } = await expectConsistent(event);
    const promoted = people.slice(10, 20).map((p) => p.id);
    expect(going.map((r) => r.userId.toHexString()).sort()).toEqual([...promoted].sort());
    expect(waiting.map((r) => r.userId.toHexString())).toEqual(people.slice(20).map((p) => p.id));
    expect([...announced].sort()).toEqual([...promoted].sort()); // each told once
  });

  it('never leaves a seat free while someone waits when leaves and RSVPs race', async () => {
    const event = await newEvent(5);
    const seated = members(5);
    for (const person of seated) await service(0).rsvp(person, idOf(event));
    const newcomers = members(15);
    const results = await allAtOnce<unknown>(20, (i) =>
      i % 4 === 0
        ? service(i).leave(seated[i / 4], idOf(event))
        : service(i).rsvp(newcomers[i - 1 - Math.floor(i / 4)], idOf(event)),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const { going, waiting } = await expectConsistent(event);
    expect(going).toHaveLength(5);
    expect(going.length + waiting.length).toBe(15);
  });

  it('promotes as many as a larger capacity allows, in order, with two passes at once', async () => {
    const event = await newEvent(3);
    const people = members(12);
    for (const person of people) await service(0).rsvp(person, idOf(event));
    expect(await seats.changeCapacity(event._id, 3, 8)).toBe(true);
    expect(await seats.changeCapacity(event._id, 3, 9)).toBe(false); // the capacity is no longer 3
    const grown = (await seats.find(event._id))!;
    events.set(idOf(event), grown);
    await Promise.all([service(0).promoteWaiting(grown), service(1).promoteWaiting(grown)]);
    const { going, waiting } = await expectConsistent(grown);
    expect(going.map((r) => r.userId.toHexString()).sort()).toEqual(
      people
        .slice(0, 8)
        .map((p) => p.id)
        .sort(),
    );
    expect(waiting.map((r) => r.userId.toHexString())).toEqual(people.slice(8).map((p) => p.id));
  });

  it('keeps counters right when waitlisted members leave while others are promoted', async () => {
    const event = await newEvent(4);
    const people = members(16);
    for (const person of people) await service(0).rsvp(person, idOf(event));
    await allAtOnce(8, (i) => service(i).leave(people[i < 4 ? i : i + 4], idOf(event))); // 4 going, 4 waiting (8-11)
    const { going, waiting } = await expectConsistent(event);
    expect(going.map((r) => r.userId.toHexString()).sort()).toEqual(
      people
        .slice(4, 8)
        .map((p) => p.id)
        .sort(),
    );
    expect(waiting.map((r) => r.userId.toHexString())).toEqual(people.slice(12).map((p) => p.id));
  });

  it('records attendance once and claims each reminder once, whatever the concurrency', async () => {
    const event = await newEvent(null);
    const owner = { eventId: event._id, userId: new Types.ObjectId(), organizationId: null };
    const marks = await allAtOnce(10, () => rsvpsA.markAttended(owner, owner.userId));
    expect(marks.filter((r) => r.status === 'fulfilled' && r.value)).toHaveLength(1);
    expect(await rsvpsA.find(event._id, owner.userId)).toMatchObject({ attended: true, status: 'none' });
    const claims = await allAtOnce(10, () => rsvpsA.claimReminder(`reminder:${idOf(event)}:x:1h`));
    expect(claims.filter((r) => r.status === 'fulfilled' && r.value)).toHaveLength(1);
  });
});
