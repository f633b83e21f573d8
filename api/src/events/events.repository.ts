import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { audienceFilter, type AudienceMember } from '../common/audience/audience';
import { AtomicWrites } from '../database/atomic-writes';
import { Event, UNLIMITED_SEATS } from './schemas/event.schema';

export type NewEvent = Omit<
  Event,
  | '_id'
  | 'createdAt'
  | 'updatedAt'
  | 'changedAt'
  | 'seatsFree'
  | 'going'
  | 'waitlisted'
  | 'waitlistSeq'
  | 'headHint'
  | 'sequence'
  | 'status'
  | 'cancelReason'
  | 'cancelledAt'
>;
export type EventChanges = Partial<
  Pick<
    Event,
    | 'title'
    | 'description'
    | 'kind'
    | 'startsAt'
    | 'endsAt'
    | 'timezone'
    | 'minTier'
    | 'audience'
    | 'location'
    | 'joinUrl'
    | 'points'
  >
>;

/** Where a page of a list starts: after this event in (startsAt, _id) order. */
export interface EventCursor {
  startsAt: Date;
  id: Types.ObjectId;
}

export interface EventQuery {
  /** Events that end at or after this instant. */
  from?: Date;
  /** Events that start at or before this instant. */
  to?: Date;
  kind?: string;
  /** Only these events (a member's own). */
  ids?: Types.ObjectId[];
  /** Members: the audience is part of the query. Staff: every event, or `organizationId`'s. */
  member?: AudienceMember;
  /** Staff of one organization: the events whose audience includes it (aimed at it or at everyone). */
  organizationId?: Types.ObjectId;
  order: 'asc' | 'desc';
  after?: EventCursor;
  limit: number;
}

/** The seats an event's capacity gives (null: no limit). */
export const seatsOf = (capacity: number | null) => capacity ?? UNLIMITED_SEATS;

/** Events whose audience includes the organization: no organizations named (everyone), or it among them. */
const organizationFilter = (organizationId: Types.ObjectId) => ({
  $or: [
    { 'audience.organizationIds': trusted({ $exists: false }) },
    { 'audience.organizationIds': trusted({ $size: 0 }) },
    { 'audience.organizationIds': organizationId },
  ],
});

const positive = () => trusted({ $gt: 0 }) as unknown as number;

/**
 * The only place that touches events. Every seat rule is ONE conditional update of the event
 * document (AtomicWrites): the counters are its fields, so "a seat while one is free" cannot
 * over-book whatever the concurrency, on MongoDB (one `findOneAndUpdate`) and on FerretDB (the
 * lease on the event). Which member holds a seat is the RSVP's business (RsvpsRepository); the
 * RSVP service moves both, always counters first, in an order that never loses a seat to a race.
 */
@Injectable()
export class EventsRepository {
  constructor(
    @InjectModel(Event.name) private readonly events: Model<Event>,
    private readonly atomic: AtomicWrites,
  ) {}

  async create(event: NewEvent): Promise<Event> {
    const created = await this.events.create({ ...event, seatsFree: seatsOf(event.capacity) });
    return created.toObject();
  }

  find(id: Types.ObjectId): Promise<Event | null> {
    return this.events.findById(id).lean<Event>().exec();
  }

  /** An event by its exact title (the demo loader finds its own events again). */
  findByTitle(title: string): Promise<Event | null> {
    return this.events.findOne({ title }).lean<Event>().exec();
  }

  /** Events by id (a member's calendar): one `_id` look-up each, which FerretDB answers from its index. */
  async findMany(ids: Types.ObjectId[]): Promise<Event[]> {
    const found = await Promise.all(ids.map((id) => this.find(id)));
    return found.filter((event): event is Event => event !== null);
  }

  /** A page of events in start order; the audience (members), range and kind are in the query. */
  list(query: EventQuery): Promise<Event[]> {
    const and: Record<string, unknown>[] = [];
    if (query.from) and.push({ endsAt: trusted({ $gte: query.from }) });
    if (query.to) and.push({ startsAt: trusted({ $lte: query.to }) });
    if (query.kind) and.push({ kind: query.kind });
    if (query.ids) and.push({ _id: trusted({ $in: query.ids }) });
    if (query.member) and.push(audienceFilter(query.member));
    if (query.organizationId) and.push(organizationFilter(query.organizationId));
    if (query.after) {
      const beyond = query.order === 'asc' ? '$gt' : '$lt';
      and.push({
        $or: [
          { startsAt: trusted({ [beyond]: query.after.startsAt }) },
          { startsAt: query.after.startsAt, _id: trusted({ [beyond]: query.after.id }) },
        ],
      });
    }
    const direction = query.order === 'asc' ? 1 : -1;
    return this.events
      .find(and.length ? { $and: and } : {})
      .sort({ startsAt: direction, _id: direction })
      .limit(query.limit)
      .lean<Event[]>()
      .exec();
  }

  /** Scheduled events starting within (from, to]: the reminder sweep. */
  startingBetween(from: Date, to: Date, limit: number): Promise<Event[]> {
    return this.events
      .find({ startsAt: trusted({ $gt: from, $lte: to }), status: 'scheduled' })
      .sort({ startsAt: 1 })
      .limit(limit)
      .lean<Event[]>()
      .exec();
  }

  /**
   * Applies a manager's edit while the event is scheduled, raising the iCalendar SEQUENCE when
   * `raiseSequence` (time, place). Null when there is no such scheduled event.
   */
  async update(id: Types.ObjectId, changes: EventChanges, raiseSequence: boolean): Promise<Event | null> {
    const update = raiseSequence
      ? { $set: { ...changes, changedAt: new Date() }, $inc: { sequence: 1 } }
      : { $set: changes };
    const result = await this.atomic.updateOne(this.events, { _id: id, status: 'scheduled' }, update, {
      returnDocument: 'after',
    });
    return result.changed ? result.doc : null;
  }

  /**
   * Sets a new capacity, moving the free seats by the difference, while the capacity is still
   * `from` (so two edits cannot both apply their difference to the same starting point). A lower
   * capacity can leave `seatsFree` negative: nobody loses a seat, newcomers wait.
   */
  async changeCapacity(id: Types.ObjectId, from: number | null, to: number | null): Promise<boolean> {
    const result = await this.atomic.updateOne(
      this.events,
      { _id: id, capacity: from },
      { $set: { capacity: to }, $inc: { seatsFree: seatsOf(to) - seatsOf(from) } },
    );
    return result.changed;
  }

  /** Cancels once; null when it was not scheduled (already cancelled, or unknown). */
  async cancel(id: Types.ObjectId, reason: string | null): Promise<Event | null> {
    const result = await this.atomic.updateOne(
      this.events,
      { _id: id, status: 'scheduled' },
      {
        $set: { status: 'cancelled', cancelReason: reason, cancelledAt: new Date(), changedAt: new Date() },
        $inc: { sequence: 1 },
      },
      { returnDocument: 'after' },
    );
    return result.changed ? result.doc : null;
  }

  /**
   * A newcomer's answer in one step where it can be one: a seat while one is free and nobody
   * waits, else the next waitlist ticket; null unless scheduled. On FerretDB the event's lease is
   * taken once for both (read, decide, write — atomic under the lease, and half the lease round
   * trips of a burst); on MongoDB, where no lease serializes writers, it is the two conditional
   * updates below, each atomic by itself.
   */
  async takeSeatOrTicket(id: Types.ObjectId): Promise<{ seat: true } | { ticket: number } | null> {
    if (!this.atomic.usesLeases) {
      if (await this.takeSeatIfNoQueue(id)) return { seat: true };
      const ticket = await this.drawTicket(id);
      return ticket === null ? null : { ticket };
    }
    return this.atomic.run(this.events, id, async () => {
      const event = await this.find(id);
      if (!event || event.status !== 'scheduled') return null;
      if (event.seatsFree > 0 && event.waitlisted === 0) {
        await this.events.updateOne({ _id: id }, { $inc: { seatsFree: -1, going: 1 } }).exec();
        return { seat: true } as const;
      }
      const after = await this.events
        .findOneAndUpdate({ _id: id }, { $inc: { waitlistSeq: 1, waitlisted: 1 } }, { returnDocument: 'after' })
        .lean<Event>()
        .exec();
      return { ticket: after!.waitlistSeq };
    });
  }

  /**
   * A seat for a newcomer, only while one is free AND nobody waits: a member who arrives while
   * others wait queues behind them (fairness), even if a seat is free for a moment.
   */
  async takeSeatIfNoQueue(id: Types.ObjectId): Promise<boolean> {
    const result = await this.atomic.updateOne(
      this.events,
      { _id: id, status: 'scheduled', seatsFree: positive(), waitlisted: 0 },
      { $inc: { seatsFree: -1, going: 1 } },
    );
    return result.changed;
  }

  /** The next waitlist ticket (arrival order) and one more member waiting; null unless scheduled. */
  async drawTicket(id: Types.ObjectId): Promise<number | null> {
    const result = await this.atomic.updateOne(
      this.events,
      { _id: id, status: 'scheduled' },
      { $inc: { waitlistSeq: 1, waitlisted: 1 } },
      { returnDocument: 'after' },
    );
    return result.changed ? result.doc!.waitlistSeq : null;
  }

  /**
   * A free seat for whoever heads the waitlist, only while a seat is free and someone waits:
   * the seat moves from free to going and the member from waiting, in one update. The caller
   * then promotes the head (or gives the seat back with `returnClaim`).
   */
  async claimSeatForWaiting(id: Types.ObjectId): Promise<boolean> {
    const result = await this.atomic.updateOne(
      this.events,
      { _id: id, status: 'scheduled', seatsFree: positive(), waitlisted: positive() },
      { $inc: { seatsFree: -1, going: 1, waitlisted: -1 } },
    );
    return result.changed;
  }

  /** Undoes `claimSeatForWaiting` (the head it was meant for left first). */
  async returnClaim(id: Types.ObjectId): Promise<void> {
    await this.atomic.updateOne(this.events, { _id: id }, { $inc: { seatsFree: 1, going: -1, waitlisted: 1 } });
  }

  /** Moves the start of the head search up to `to` (never down): every ticket below it is settled. */
  async advanceHeadHint(id: Types.ObjectId, to: number): Promise<void> {
    await this.atomic.updateOne(this.events, { _id: id, headHint: trusted({ $lt: to }) }, { $set: { headHint: to } });
  }

  /** Scheduled events with a free seat while someone waits (the sweep's safety net after a crash or an outage). */
  withFreeSeatsAndWaiting(limit: number): Promise<Event[]> {
    return this.events
      .find({
        status: 'scheduled',
        seatsFree: positive(),
        waitlisted: positive(),
        endsAt: trusted({ $gt: new Date() }),
      })
      .limit(limit)
      .lean<Event[]>()
      .exec();
  }

  /**
   * Scheduled events not over whose counters last moved between `from` and `to`: where a request
   * that died between moving a counter and writing its RSVP leaves a counter off (see repairCounters).
   */
  quietlyChanged(from: Date, to: Date, limit: number): Promise<Event[]> {
    return this.events
      .find({
        status: 'scheduled',
        endsAt: trusted({ $gt: new Date() }),
        updatedAt: trusted({ $gte: from, $lt: to }),
      })
      .limit(limit)
      .lean<Event[]>()
      .exec();
  }

  /**
   * Sets the seat counters to what the RSVPs say, only if the event still holds what was read
   * (nothing moved since); false otherwise.
   */
  async correctCounters(event: Event, counts: { going: number; waitlisted: number }): Promise<boolean> {
    const seatsFree = event.capacity === null ? UNLIMITED_SEATS : event.capacity - counts.going;
    const result = await this.atomic.updateOne(
      this.events,
      {
        _id: event._id,
        updatedAt: event.updatedAt,
        going: event.going,
        waitlisted: event.waitlisted,
        seatsFree: event.seatsFree,
      },
      { $set: { going: counts.going, waitlisted: counts.waitlisted, seatsFree } },
    );
    return result.changed;
  }

  /** A going member left (or a duplicate seat is given back): the seat is free again. */
  async releaseSeat(id: Types.ObjectId): Promise<void> {
    await this.atomic.updateOne(this.events, { _id: id }, { $inc: { seatsFree: 1, going: -1 } });
  }

  /** A waiting member left the waitlist (or a duplicate ticket is given back). */
  async leaveWaitlist(id: Types.ObjectId): Promise<void> {
    await this.atomic.updateOne(this.events, { _id: id }, { $inc: { waitlisted: -1 } });
  }
}
