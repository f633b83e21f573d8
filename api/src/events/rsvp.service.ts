import { ConflictException, Injectable, Logger } from '@nestjs/common';
import { DomainEventBus } from '../common/domain-event-bus';
import type { Principal } from '../common/roles';
import type { RsvpResultDto } from './dto/event.dto';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { RsvpsRepository } from './rsvps.repository';
import type { Event } from './schemas/event.schema';
import { rsvpId, type Rsvp } from './schemas/rsvp.schema';

/** More rounds than this in one promotion pass means something is badly wrong; stop and log. */
const MAX_PROMOTION_ROUNDS = 100_000;
/** A leave that loses this many races in a row to promotions gives up (503 would follow). */
const MAX_LEAVE_ATTEMPTS = 10;

/**
 * Seats and the waitlist, fair under any concurrency, without transactions.
 *
 * The event document holds the counters (one conditional update each, see EventsRepository);
 * each member's RSVP document holds their status and waitlist ticket (one conditional update
 * each, see RsvpsRepository). The rules:
 *
 * - A newcomer gets a seat at once only while one is free AND nobody waits. Otherwise they draw
 *   the next ticket (arrival order) and join the waitlist, then run a promotion pass.
 * - A promotion pass repeats: claim a free seat for whoever waits (counter update), promote the
 *   current head of the waitlist (lowest ticket; conditional on them still waiting). If the head
 *   left in between, the claim is given back and the pass looks again.
 * - Whoever frees a seat (a going member leaving, a larger capacity) or joins the waitlist runs
 *   a pass afterwards. Each writes its own fact first and then looks, so whichever of two racing
 *   requests looks last sees both facts: a seat is never left free while someone waits, and no
 *   member is promoted twice (the RSVP's conditional update) or out of turn (always the head).
 */
@Injectable()
export class RsvpService {
  private readonly logger = new Logger(RsvpService.name);

  constructor(
    private readonly events: EventsService,
    private readonly seats: EventsRepository,
    private readonly rsvps: RsvpsRepository,
    private readonly bus: DomainEventBus,
  ) {}

  /** POST /events/:id/rsvp: going or waitlisted; repeating it changes nothing. */
  async rsvp(caller: Principal, id: string): Promise<RsvpResultDto> {
    const { event, user } = await this.events.memberAccess(caller, id);
    this.assertOpen(event);
    const existing = await this.rsvps.find(event._id, caller.id);
    if (existing && (existing.status === 'going' || existing.status === 'waitlisted')) return this.result(existing);
    const owner = { eventId: event._id, userId: user._id, organizationId: user.organizationId };

    if (await this.seats.takeSeatIfNoQueue(event._id)) {
      const seated = await this.rsvps.join(owner, 'going', null);
      if (seated.joined) return { status: 'going', position: null };
      // The same member's other request got in first: give this seat back.
      await this.seats.releaseSeat(event._id);
      await this.promoteWaiting(event);
      return this.result(seated.rsvp);
    }

    const ticket = await this.seats.drawTicket(event._id);
    if (ticket === null) throw new ConflictException('This event was cancelled');
    const queued = await this.rsvps.join(owner, 'waitlisted', ticket);
    if (!queued.joined) {
      await this.seats.leaveWaitlist(event._id);
      return this.result(queued.rsvp);
    }
    await this.promoteWaiting(event, caller.id);
    return this.result(await this.rsvps.find(event._id, caller.id));
  }

  /**
   * DELETE /events/:id/rsvp: leaves the event or its waitlist (nothing to do is fine). A going
   * member's seat goes to the head of the waitlist at once.
   */
  async leave(caller: Principal, id: string): Promise<void> {
    const { event } = await this.events.access(caller, id);
    for (let attempt = 0; attempt < MAX_LEAVE_ATTEMPTS; attempt++) {
      const rsvp = await this.rsvps.find(event._id, caller.id);
      if (!rsvp || (rsvp.status !== 'going' && rsvp.status !== 'waitlisted')) return;
      if (rsvp.attended) throw new ConflictException('You have checked in at this event');
      if (Date.now() > event.endsAt.getTime()) throw new ConflictException('This event is over');
      // Conditional on the status read: a promotion in between makes this fail and read again.
      if (!(await this.rsvps.leave(rsvpId(event._id, caller.id), rsvp.status))) continue;
      if (rsvp.status === 'waitlisted') {
        await this.seats.leaveWaitlist(event._id);
      } else {
        await this.seats.releaseSeat(event._id);
        await this.promoteWaiting(event);
      }
      return;
    }
    throw new ConflictException('Your RSVP is changing right now; try again');
  }

  /**
   * Gives every free seat to the waitlist, head first, and tells each promoted member (socket and
   * inbox). `quietFor` is a member promoted within their own RSVP request: their answer says so.
   */
  async promoteWaiting(event: Event, quietFor?: string): Promise<Rsvp[]> {
    const promoted: Rsvp[] = [];
    for (let round = 0; round < MAX_PROMOTION_ROUNDS; round++) {
      if (!(await this.seats.claimSeatForWaiting(event._id))) return promoted;
      const head = await this.rsvps.firstWaiting(event._id);
      const moved = head ? await this.rsvps.promote(head) : null;
      if (moved) {
        promoted.push(moved);
        if (moved.userId.toHexString() !== quietFor) await this.announce(event, moved);
        continue;
      }
      // The head left (or another pass promoted it) after we looked: give the seat back, and look
      // again unless nobody waits — a member who joined meanwhile may have found the seat taken.
      await this.seats.returnClaim(event._id);
      if (!(await this.rsvps.firstWaiting(event._id))) return promoted;
    }
    this.logger.error(`Promotion pass for event ${event._id.toHexString()} did not settle`);
    return promoted;
  }

  /** Runs a pass for an event whose capacity grew (EventsService calls this after the change). */
  async afterCapacityChange(event: Event): Promise<void> {
    await this.promoteWaiting(event);
  }

  private async announce(event: Event, rsvp: Rsvp): Promise<void> {
    await this.bus.publish('event.promoted', { ...this.events.facts(event), userId: rsvp.userId.toHexString() });
  }

  private assertOpen(event: Event): void {
    if (event.status === 'cancelled') throw new ConflictException('This event was cancelled');
    if (Date.now() > event.endsAt.getTime()) throw new ConflictException('This event is over');
  }

  private async result(rsvp: Rsvp | null): Promise<RsvpResultDto> {
    if (rsvp?.status === 'going') return { status: 'going', position: null };
    if (rsvp?.status === 'waitlisted' && rsvp.seq !== null) {
      return { status: 'waitlisted', position: await this.rsvps.position(rsvp.eventId, rsvp.seq) };
    }
    // Left again by a concurrent request of the same member: nothing is held.
    throw new ConflictException('Your RSVP changed at the same moment; try again');
  }
}
