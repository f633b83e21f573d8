import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { insertOnce } from '../common/database-errors';
import { AtomicWrites } from '../database/atomic-writes';
import { EventReminder } from './schemas/event-reminder.schema';
import { ACTIVE_RSVP, Rsvp, rsvpId, RsvpStatus } from './schemas/rsvp.schema';
import { ticketId, WaitlistTicket } from './schemas/waitlist-ticket.schema';

export interface RsvpOwner {
  eventId: Types.ObjectId;
  userId: Types.ObjectId;
  organizationId: Types.ObjectId | null;
}

export interface JoinResult {
  /** The member was not going or waiting, and now is. */
  joined: boolean;
  /** The RSVP as it is now (when not joined: as another request left it). */
  rsvp: Rsvp | null;
}

const activeStatuses = () => trusted({ $in: [...ACTIVE_RSVP] }) as unknown as RsvpStatus;

/**
 * The only place that touches RSVPs and reminder marks. An RSVP's `_id` names event and member
 * (`<event>:<user>`), so each member has one document per event and every change of its status
 * is one conditional update of that document: a member joins once, leaves once, and is promoted
 * off the waitlist once, whatever the concurrency.
 */
@Injectable()
export class RsvpsRepository {
  constructor(
    @InjectModel(Rsvp.name) private readonly rsvps: Model<Rsvp>,
    @InjectModel(EventReminder.name) private readonly reminders: Model<EventReminder>,
    @InjectModel(WaitlistTicket.name) private readonly tickets: Model<WaitlistTicket>,
    private readonly atomic: AtomicWrites,
  ) {}

  find(eventId: Types.ObjectId, userId: Types.ObjectId | string): Promise<Rsvp | null> {
    return this.rsvps.findById(rsvpId(eventId, userId)).lean<Rsvp>().exec();
  }

  /** A member's RSVPs to these events, by `_id` (FerretDB answers `_id` look-ups from its index). */
  async findMine(eventIds: Types.ObjectId[], userId: string): Promise<Map<string, Rsvp>> {
    const found = await Promise.all(eventIds.map((eventId) => this.find(eventId, userId)));
    return new Map(found.filter((r): r is Rsvp => r !== null).map((r) => [r.eventId.toHexString(), r]));
  }

  /**
   * Makes the member `going` or `waitlisted` (with its ticket) only while they are neither:
   * a repeated or concurrent RSVP of the same member changes nothing and says so.
   */
  async join(owner: RsvpOwner, status: 'going' | 'waitlisted', seq: number | null): Promise<JoinResult> {
    const id = rsvpId(owner.eventId, owner.userId);
    const now = new Date();
    const result = await this.atomic.updateOne(
      this.rsvps,
      { _id: id, status: trusted({ $nin: [...ACTIVE_RSVP] }) },
      {
        $set: { status, seq, answeredAt: now, promotedAt: null },
        $setOnInsert: { eventId: owner.eventId, userId: owner.userId, organizationId: owner.organizationId },
      },
      { upsert: true, returnDocument: 'after' },
    );
    return { joined: result.changed, rsvp: result.changed ? result.doc : await this.find(owner.eventId, owner.userId) };
  }

  /** Records who drew ticket `seq` (once: the ticket's `_id` names it). */
  async writeTicket(eventId: Types.ObjectId, seq: number, userId: Types.ObjectId): Promise<void> {
    await insertOnce(() => this.tickets.create({ _id: ticketId(eventId, seq), userId }));
  }

  /** Who drew ticket `seq`; null while it is being written (or when its request died first). */
  async ticketHolder(eventId: Types.ObjectId, seq: number): Promise<Types.ObjectId | null> {
    const ticket = await this.tickets.findById(ticketId(eventId, seq)).lean<WaitlistTicket>().exec();
    return ticket?.userId ?? null;
  }

  /** Moves this waiting member (still holding ticket `seq`) to going, once; null if they no longer wait. */
  async promote(rsvp: Rsvp): Promise<Rsvp | null> {
    const result = await this.atomic.updateOne(
      this.rsvps,
      { _id: rsvp._id, status: 'waitlisted', seq: rsvp.seq },
      { $set: { status: 'going', promotedAt: new Date() } },
      { returnDocument: 'after' },
    );
    return result.changed ? result.doc : null;
  }

  /** The member leaves, once, while still `from` and not checked in. */
  async leave(id: string, from: 'going' | 'waitlisted'): Promise<boolean> {
    const result = await this.atomic.updateOne(
      this.rsvps,
      { _id: id, status: from, attended: false },
      { $set: { status: 'left', seq: null } },
    );
    return result.changed;
  }

  /**
   * Records attendance once (a walk-in without an RSVP gets a document with status `none`).
   * False when the member was already checked in.
   */
  async markAttended(owner: RsvpOwner, checkedInBy: Types.ObjectId): Promise<boolean> {
    const result = await this.atomic.updateOne(
      this.rsvps,
      { _id: rsvpId(owner.eventId, owner.userId), attended: trusted({ $ne: true }) },
      {
        $set: { attended: true, attendedAt: new Date(), checkedInBy },
        $setOnInsert: {
          eventId: owner.eventId,
          userId: owner.userId,
          organizationId: owner.organizationId,
          status: 'none',
          seq: null,
        },
      },
      { upsert: true },
    );
    return result.changed;
  }

  /** How many wait ahead of ticket `seq`, plus one: the member's place in the queue. */
  async position(eventId: Types.ObjectId, seq: number): Promise<number> {
    return (await this.rsvps.countDocuments({ eventId, status: 'waitlisted', seq: trusted({ $lt: seq }) })) + 1;
  }

  /** Everyone going or waiting, and whoever checked in: the attendee list (oldest answer first). */
  attendees(eventId: Types.ObjectId, organizationId?: Types.ObjectId): Promise<Rsvp[]> {
    return this.rsvps
      .find({
        eventId,
        ...(organizationId ? { organizationId } : {}),
        $or: [{ status: activeStatuses() }, { attended: true }],
      })
      .sort({ status: 1, seq: 1, answeredAt: 1 })
      .limit(10_000)
      .lean<Rsvp[]>()
      .exec();
  }

  /** How many members are going and waiting, counted from the RSVPs themselves. */
  async countActive(eventId: Types.ObjectId): Promise<{ going: number; waitlisted: number }> {
    const [going, waitlisted] = await Promise.all([
      this.rsvps.countDocuments({ eventId, status: 'going' }).exec(),
      this.rsvps.countDocuments({ eventId, status: 'waitlisted' }).exec(),
    ]);
    return { going, waitlisted };
  }

  /** Who answers for the event in these statuses (people to tell about a change or a reminder). */
  async memberIds(eventId: Types.ObjectId, statuses: readonly RsvpStatus[]): Promise<string[]> {
    const rows = await this.rsvps
      .find({ eventId, status: trusted({ $in: [...statuses] }) }, { userId: 1 })
      .lean<Pick<Rsvp, 'userId'>[]>()
      .exec();
    return rows.map((row) => row.userId.toHexString());
  }

  /** The events a member is going to or waiting for (the calendar feed, "mine"), most recent answers first. */
  async activeEventIds(userId: Types.ObjectId, limit: number): Promise<Types.ObjectId[]> {
    const rows = await this.rsvps
      .find({ userId, status: activeStatuses() }, { eventId: 1 })
      .sort({ answeredAt: -1 })
      .limit(limit)
      .lean<Pick<Rsvp, 'eventId'>[]>()
      .exec();
    return rows.map((row) => row.eventId);
  }

  /**
   * Claims one reminder for sending: true for exactly one caller across every instance and
   * restart (the unique `_id` decides), so the reminder is sent at most once. Claim, then send.
   */
  claimReminder(id: string): Promise<boolean> {
    return insertOnce(() => this.reminders.create({ _id: id, claimedAt: new Date() }));
  }
}
