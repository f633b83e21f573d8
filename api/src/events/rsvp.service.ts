import { ConflictException, Injectable, Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { DomainEventBus } from '../common/domain-event-bus';
import type { Principal } from '../common/roles';
import type { RsvpResultDto } from './dto/event.dto';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { PromotionPasses } from './promotion-passes';
import { RsvpsRepository } from './rsvps.repository';
import type { Event } from './schemas/event.schema';
import { rsvpId, type Rsvp } from './schemas/rsvp.schema';

/** More rounds than this in one promotion pass means something is badly wrong; stop and log. */
const MAX_PROMOTION_ROUNDS = 100_000;
/** An event whose counters have not moved for this long has no RSVP in flight. */
const QUIET_MS = 2 * 60_000;
/** How far back the counter repair looks (older events were repaired by an earlier sweep). */
const REPAIR_WINDOW_MS = 60 * 60_000;
/** A leave that loses this many races in a row to promotions gives up (503 would follow). */
const MAX_LEAVE_ATTEMPTS = 10;

/**
 * Seats and the waitlist, fair under any concurrency, without transactions.
 *
 * The event document holds the counters (one conditional update each, see EventsRepository);
 * each member's RSVP document holds their status and waitlist ticket (one conditional update
 * each, see RsvpsRepository); a ticket document maps each ticket number back to its member. The
 * rules:
 *
 * - A newcomer gets a seat at once only while one is free AND nobody waits. Otherwise they draw
 *   the next ticket (arrival order), join the waitlist with it, write who holds it, then run a
 *   promotion pass.
 * - A promotion pass repeats: claim a free seat for whoever waits (counter update), promote the
 *   current head of the waitlist (the lowest ticket whose holder still waits with it;
 *   conditional on that). If the head left in between, the claim is given back and the pass
 *   looks again.
 * - Whoever frees a seat (a going member leaving, a larger capacity) or joins the waitlist runs a
 *   pass afterwards. Each writes its own fact first and then looks, so whichever of two racing
 *   requests looks last sees both facts: a seat is never left free while someone waits, and no
 *   member is promoted twice (the RSVP's conditional update) or out of turn (always the head).
 *   Passes of one event are queued in this process (PromotionPasses) so that they do not race
 *   each other for the same head; passes on other instances may, which costs time, not fairness.
 */
@Injectable()
export class RsvpService {
  private readonly logger = new Logger(RsvpService.name);
  private readonly passes = new PromotionPasses<Rsvp[]>();

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

    const answer = await this.seats.takeSeatOrTicket(event._id);
    if (!answer) throw new ConflictException('This event was cancelled');
    if ('seat' in answer) {
      const seated = await this.rsvps.join(owner, 'going', null);
      if (seated.joined) return { status: 'going' };
      // The same member's other request got in first: give this seat back.
      await this.seats.releaseSeat(event._id);
      await this.promoteWaiting(event);
      return this.result(seated.rsvp);
    }

    const ticket = answer.ticket;
    const queued = await this.rsvps.join(owner, 'waitlisted', ticket);
    // Written after the RSVP (so a pass never settles a ticket whose RSVP is still on its way),
    // and also when the join failed, so the search for the head moves past the unused ticket.
    await this.rsvps.writeTicket(event._id, ticket, user._id);
    if (!queued.joined) {
      await this.seats.leaveWaitlist(event._id);
      return this.result(queued.rsvp);
    }
    const promoted = await this.promoteWaiting(event, caller.id);
    return { status: promoted.some((rsvp) => rsvp.userId.equals(user._id)) ? 'going' : 'waitlisted' };
  }

  /**
   * DELETE /events/:id/rsvp: leaves the event or its waitlist (nothing to do is fine). A going
   * member's seat goes to the head of the waitlist before this answers.
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
   * inbox). `quietFor` is a member whose own RSVP request is asking: its answer tells them.
   * Resolves with everyone the pass promoted.
   */
  promoteWaiting(event: Event, quietFor?: string): Promise<Rsvp[]> {
    return this.passes.request(event._id.toHexString(), quietFor, (quiet) => this.pass(event, quiet));
  }

  /**
   * A pass for every event with a free seat while someone waits: the minute sweep's safety net,
   * should a request have died between freeing a seat and its pass (or the database gone away).
   */
  async settleWaitlists(): Promise<number> {
    let promoted = 0;
    for (const event of await this.seats.withFreeSeatsAndWaiting(100)) {
      promoted += (await this.promoteWaiting(event)).length;
    }
    return promoted;
  }

  /**
   * The sweep's repair of counters a crash left off: a request that died between moving a
   * counter and writing its RSVP leaves a seat taken (or a place counted) that nobody holds. Every
   * RSVP change moves the event's counters, so an event whose counters have not moved for
   * QUIET_MS has nothing in flight: its counters are recounted from its RSVPs and, if they differ,
   * set with a compare-and-set on what was read (any change meanwhile wins; the next sweep looks
   * again). Events quiet for longer than REPAIR_WINDOW_MS were looked at already.
   */
  async repairCounters(now = new Date()): Promise<{ repaired: number; promoted: number }> {
    let repaired = 0;
    let promoted = 0;
    const quiet = await this.seats.quietlyChanged(
      new Date(now.getTime() - REPAIR_WINDOW_MS),
      new Date(now.getTime() - QUIET_MS),
      500,
    );
    for (const event of quiet) {
      const counts = await this.rsvps.countActive(event._id);
      if (counts.going === event.going && counts.waitlisted === event.waitlisted) continue;
      if (!(await this.seats.correctCounters(event, counts))) continue;
      repaired++;
      this.logger.warn(
        `Event ${event._id.toHexString()}: counters ${event.going}/${event.waitlisted} → ${counts.going}/${counts.waitlisted} (a request had died)`,
      );
      promoted += (await this.promoteWaiting((await this.seats.find(event._id)) ?? event)).length;
    }
    return { repaired, promoted };
  }

  /** Runs a pass for an event whose capacity grew (EventsService calls this after the change). */
  async afterCapacityChange(event: Event): Promise<void> {
    await this.promoteWaiting(event);
  }

  private async pass(event: Event, quiet: ReadonlySet<string>): Promise<Rsvp[]> {
    const promoted: Rsvp[] = [];
    for (let round = 0; round < MAX_PROMOTION_ROUNDS; round++) {
      // A plain read first: most passes (every newcomer's during a burst) find no free seat, and
      // need no lease for that. Whoever frees a seat later runs a pass of its own.
      const now = await this.seats.find(event._id);
      if (!now || now.status !== 'scheduled' || now.seatsFree <= 0 || now.waitlisted <= 0) return promoted;
      if (!(await this.seats.claimSeatForWaiting(event._id))) return promoted;
      const head = await this.head(event._id);
      const moved = head ? await this.rsvps.promote(head) : null;
      if (moved) {
        promoted.push(moved);
        if (!quiet.has(moved.userId.toHexString())) await this.announce(event, moved);
        continue;
      }
      // The head left (or another instance's pass promoted it) after we looked: give the seat
      // back, and look again unless nobody waits — a member who joined meanwhile may have found
      // the seat taken by this claim.
      await this.seats.returnClaim(event._id);
      if (!(await this.head(event._id))) return promoted;
    }
    this.logger.error(`Promotion pass for event ${event._id.toHexString()} did not settle`);
    return promoted;
  }

  /**
   * The member at the head of the waitlist: the lowest ticket whose holder still waits with it.
   * Walks tickets by `_id` from the event's hint, and moves the hint past the tickets that are
   * settled (promoted, left, given back). A ticket drawn but not yet written is skipped without
   * moving the hint past it: its holder joins behind whoever is written, as if a moment later.
   */
  private async head(eventId: Types.ObjectId): Promise<Rsvp | null> {
    const event = await this.seats.find(eventId);
    if (!event) return null;
    const from = event.headHint ?? 1;
    let settled = from;
    let gap = false;
    let head: Rsvp | null = null;
    for (let seq = from; seq <= event.waitlistSeq && !head; seq++) {
      const holder = await this.rsvps.ticketHolder(eventId, seq);
      const rsvp = holder ? await this.rsvps.find(eventId, holder) : null;
      if (rsvp?.status === 'waitlisted' && rsvp.seq === seq) head = rsvp;
      else if (!holder) gap = true;
      else if (!gap) settled = seq + 1;
    }
    if (settled > from) await this.seats.advanceHeadHint(eventId, settled);
    return head;
  }

  private async announce(event: Event, rsvp: Rsvp): Promise<void> {
    await this.bus.publish('event.promoted', { ...this.events.facts(event), userId: rsvp.userId.toHexString() });
  }

  private assertOpen(event: Event): void {
    if (event.status === 'cancelled') throw new ConflictException('This event was cancelled');
    if (Date.now() > event.endsAt.getTime()) throw new ConflictException('This event is over');
  }

  /** The answer for a member who had already answered (the place on the waitlist: GET /events/:id). */
  private result(rsvp: Rsvp | null): RsvpResultDto {
    if (rsvp?.status === 'going' || rsvp?.status === 'waitlisted') return { status: rsvp.status };
    // Left again by a concurrent request of the same member: nothing is held.
    throw new ConflictException('Your RSVP changed at the same moment; try again');
  }
}
