import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import { Types } from 'mongoose';
import { inAudience, audienceMember } from '../common/audience/audience';
import { toObjectId } from '../common/pagination';
import { staffScope, type Principal } from '../common/roles';
import { ActivitiesService } from '../engine/activities.service';
import { UsersService } from '../users/users.service';
import type { UserRecord } from '../users/users.repository';
import { normalizeCheckInCode } from './check-in-code';
import type { AttendeeDto, CheckInResultDto } from './dto/event.dto';
import { checkInState, checkInWindow } from './event-time';
import { EventsService } from './events.service';
import { RsvpsRepository } from './rsvps.repository';
import type { Event } from './schemas/event.schema';

/** The activity key that makes attendance points once per event and member, on every path. */
export const attendanceKey = (eventId: string, userId: string) => `event:${eventId}:attended:${userId}`;

/**
 * Check-in (a member with the code, in the window; a manager from the attendee list) and the
 * attendee list. Points go through the engine as `event.attended` with a key naming event and
 * member, so however many check-ins race, one award exists.
 */
@Injectable()
export class AttendanceService {
  constructor(
    private readonly events: EventsService,
    private readonly rsvps: RsvpsRepository,
    private readonly activities: ActivitiesService,
    private readonly users: UsersService,
  ) {}

  /** POST /events/:id/check-in: the code, between 30 minutes before the start and the end. */
  async checkIn(caller: Principal, id: string, code: string): Promise<CheckInResultDto> {
    const { event, user } = await this.events.memberAccess(caller, id);
    if (event.status === 'cancelled') throw new ConflictException('This event was cancelled');
    if (normalizeCheckInCode(code) !== event.checkInCode) throw new BadRequestException('Wrong check-in code');
    const state = checkInState(event.startsAt, event.endsAt);
    if (state !== 'open') {
      const { opensAt } = checkInWindow(event.startsAt, event.endsAt);
      throw new ConflictException(
        state === 'early' ? `Check-in opens at ${opensAt.toISOString()}` : 'Check-in has closed: this event is over',
      );
    }
    return this.attend(event, user, user._id);
  }

  /**
   * A manager checks a member in from the attendee list (someone without a phone at the door),
   * from the moment the window opens — and afterwards too, to put the record right.
   */
  async checkInByManager(caller: Principal, id: string, userId: string): Promise<CheckInResultDto> {
    const event = await this.events.staffFind(caller, id);
    if (event.status === 'cancelled') throw new ConflictException('This event was cancelled');
    if (checkInState(event.startsAt, event.endsAt) === 'early') {
      throw new ConflictException('Check-in opens 30 minutes before the start');
    }
    const member = await this.users.find(toObjectId(userId, 'user id'));
    const scope = this.scope(caller);
    if (
      !member ||
      !member.roles.includes('member') ||
      (scope && member.organizationId?.toHexString() !== scope.toHexString()) ||
      !inAudience(event.audience, audienceMember(member))
    ) {
      throw new NotFoundException('Member not found for this event');
    }
    return this.attend(event, member, new Types.ObjectId(caller.id));
  }

  /**
   * Everyone going or waiting and whoever checked in. Managers of one organization see only
   * events aimed at it (else 404), and only its members on them.
   */
  async attendees(caller: Principal, id: string): Promise<AttendeeDto[]> {
    const event = await this.events.staffFind(caller, id);
    const rows = await this.rsvps.attendees(event._id, this.scope(caller));
    const people = await this.users.findMany(rows.map((row) => row.userId));
    let position = 0;
    return rows.map((row) => {
      const person = people.get(row.userId.toHexString());
      const rsvp = row.status === 'going' || row.status === 'waitlisted' ? row.status : null;
      return {
        userId: row.userId.toHexString(),
        displayName: person?.displayName ?? '',
        email: person?.email ?? '',
        rsvp,
        // Rows come in ticket order; the scope may hide some, so this is the place among those shown.
        waitlistPosition: rsvp === 'waitlisted' ? ++position : null,
        attended: row.attended,
        attendedAt: row.attendedAt?.toISOString() ?? null,
        answeredAt: row.answeredAt?.toISOString() ?? null,
      };
    });
  }

  /** The attendee list as CSV (spreadsheet-safe: cells that would start a formula are quoted as text). */
  async attendeesCsv(caller: Principal, id: string): Promise<string> {
    const rows = await this.attendees(caller, id);
    const safe = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
    return stringify(
      rows.map((row) => [
        safe(row.displayName),
        safe(row.email),
        row.rsvp ?? 'walk-in',
        row.waitlistPosition ?? '',
        row.attended ? 'yes' : 'no',
        row.attendedAt ?? '',
        row.answeredAt ?? '',
      ]),
      {
        header: true,
        columns: ['name', 'email', 'rsvp', 'waitlist position', 'attended', 'checked in at', 'answered at'],
        record_delimiter: '\r\n',
      },
    );
  }

  private async attend(event: Event, member: UserRecord, by: Types.ObjectId): Promise<CheckInResultDto> {
    const eventId = event._id.toHexString();
    const userId = member._id.toHexString();
    await this.rsvps.markAttended(
      { eventId: event._id, userId: member._id, organizationId: member.organizationId },
      by,
    );
    // Every check-in asks the engine; the key makes it award once, and a retry after a crash
    // between the mark and the award still awards.
    const result = await this.activities.record({
      user: member,
      type: 'event.attended',
      idempotencyKey: attendanceKey(eventId, userId),
      value: event.points,
      // A manager putting the record right after the event dates it at the event (periods, caps).
      occurredAt: new Date(Math.min(Date.now(), event.endsAt.getTime())),
      metadata: { eventId, kind: event.kind },
      reason: `Attended “${event.title}”`,
      source: { kind: 'feature', id: eventId },
    });
    return {
      attended: true,
      pointsAwarded: result.duplicate ? 0 : result.pointsAwarded,
      alreadyCheckedIn: result.duplicate,
    };
  }

  /** Staff who belong to an organization work with its members only; admins and staff without one with all. */
  private scope(caller: Principal): Types.ObjectId | undefined {
    const scope = staffScope(caller);
    return scope ? new Types.ObjectId(scope) : undefined;
  }
}
