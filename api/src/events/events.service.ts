import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { audienceMember, inAudience, toAudience } from '../common/audience/audience';
import type { AudienceDto } from '../common/audience/audience.dto';
import { DomainEventBus } from '../common/domain-event-bus';
import type { EventFacts } from '../common/domain-events';
import { toObjectId } from '../common/pagination';
import { refuseNulls } from '../common/patch';
import { isStaff, staffScope, type Principal } from '../common/roles';
import { ContentService } from '../content/content.service';
import { MemberCache } from '../engine/member-cache';
import type { UserRecord } from '../users/users.repository';
import { generateCheckInCode } from './check-in-code';
import {
  CreateEventDto,
  EVENT_NULLABLE,
  EventDto,
  EventQueryDto,
  mapEvent,
  RsvpAnswer,
  UpdateEventDto,
  type EventListDto,
} from './dto/event.dto';
import { zonedTimes } from './event-time';
import { EventChanges, EventCursor, EventsRepository, NewEvent } from './events.repository';
import { RsvpsRepository } from './rsvps.repository';
import type { Event } from './schemas/event.schema';
import { ACTIVE_RSVP, type Rsvp } from './schemas/rsvp.schema';

/** Who is looking at an event, and what they may do with it. */
export interface EventAccess {
  event: Event;
  /** The caller's user record (members; staff too, for their name). */
  user: UserRecord;
  staff: boolean;
  /** Below the event's minimum tier. */
  locked: boolean;
}

/** A wall time "2026-03-09T09:00" (no offset) is read in the event's zone; an instant stays that instant. */
export function readTime(value: string, zone: string, field: string): Date {
  const parsed = DateTime.fromISO(value, { zone, setZone: false });
  if (!parsed.isValid) throw new BadRequestException(`${field} is not a valid date`);
  return parsed.toJSDate();
}

/**
 * Whether staff acting within `scope` may edit or cancel the event: anyone without a scope; staff
 * of one organization only an event aimed at it alone (one shared with others is an admin's).
 */
export function changeableWithin(event: Pick<Event, 'audience'>, scope: string | null): boolean {
  const named = event.audience?.organizationIds ?? [];
  return !scope || (named.length > 0 && named.every((org) => org.toHexString() === scope));
}

/**
 * Club events, workshops and webinars: the manager console (create, edit, cancel), what each
 * member sees (audience, tier lock, their own RSVP) and the facts notifications carry. Seats and
 * the waitlist: RsvpService; check-in and attendees: AttendanceService; calendars: CalendarService.
 */
@Injectable()
export class EventsService {
  constructor(
    private readonly repository: EventsRepository,
    private readonly rsvps: RsvpsRepository,
    private readonly members: MemberCache,
    private readonly content: ContentService,
    private readonly bus: DomainEventBus,
  ) {}

  async create(caller: Principal, input: CreateEventDto): Promise<EventDto> {
    const event = await this.repository.create({
      ...this.validated({ ...input, audience: this.scopedAudience(caller, input.audience) }),
      checkInCode: generateCheckInCode(),
      createdBy: new Types.ObjectId(caller.id),
    });
    return this.view(event, caller, null, true);
  }

  /**
   * A manager's edit. A change of time or place raises the SEQUENCE and tells everyone going or
   * waitlisted; a larger capacity promotes the first waitlisted members (through `onCapacity`,
   * which the RSVP service passes in so that promotion stays its business).
   */
  async update(
    caller: Principal,
    id: string,
    changes: UpdateEventDto,
    onCapacity: (event: Event) => Promise<void>,
  ): Promise<EventDto> {
    refuseNulls(changes, EVENT_NULLABLE);
    const current = await this.managed(caller, id);
    if (current.status === 'cancelled') throw new ConflictException('A cancelled event cannot be changed');
    const input = { ...this.toInput(current), ...changes };
    const merged = this.validated({ ...input, audience: this.scopedAudience(caller, input.audience) });
    const timeChanged =
      merged.startsAt.getTime() !== current.startsAt.getTime() || merged.endsAt.getTime() !== current.endsAt.getTime();
    const placeChanged = merged.location !== current.location || merged.joinUrl !== current.joinUrl;
    const { capacity, ...fields } = merged;
    let updated = await this.repository.update(current._id, fields satisfies EventChanges, timeChanged || placeChanged);
    if (!updated) throw new ConflictException('A cancelled event cannot be changed');
    if (capacity !== (current.capacity ?? null)) {
      if (!(await this.repository.changeCapacity(current._id, current.capacity ?? null, capacity))) {
        throw new ConflictException('The capacity was changed at the same moment; reload and try again');
      }
      updated = (await this.repository.find(current._id))!;
      await onCapacity(updated);
      updated = (await this.repository.find(current._id))!;
    }
    if (timeChanged || placeChanged) {
      await this.bus.publish('event.changed', {
        ...this.facts(updated),
        userIds: await this.rsvps.memberIds(updated._id, ACTIVE_RSVP),
        changed: timeChanged && placeChanged ? 'timeAndPlace' : timeChanged ? 'time' : 'place',
        location: updated.location ?? updated.joinUrl,
      });
    }
    return this.view(updated, caller, null, true);
  }

  /** Cancels once and tells everyone going or waitlisted; a second cancel returns the event as it is. */
  async cancel(caller: Principal, id: string, reason?: string): Promise<EventDto> {
    const current = await this.managed(caller, id);
    const cancelled = await this.repository.cancel(current._id, reason?.trim() || null);
    if (cancelled) {
      await this.bus.publish('event.cancelled', {
        ...this.facts(cancelled),
        userIds: await this.rsvps.memberIds(cancelled._id, ACTIVE_RSVP),
        reason: cancelled.cancelReason,
      });
    }
    return this.view(cancelled ?? (await this.repository.find(current._id))!, caller, null, true);
  }

  /**
   * Events overlapping [from, to] (default: not over yet), in start order. Members see only events
   * whose audience includes them (in the query); staff see every event, or those aimed at their
   * organization (`staffScope`).
   */
  async list(caller: Principal, query: EventQueryDto): Promise<EventListDto> {
    const staff = isStaff(caller);
    const scope = staff ? staffScope(caller) : null;
    const user = await this.user(caller.id);
    const order = query.order ?? 'asc';
    const limit = query.limit ?? 50;
    const from = query.from ? new Date(query.from) : query.to ? undefined : new Date();
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && to < from) throw new BadRequestException('to must not be before from');
    const ids = query.mine ? await this.rsvps.activeEventIds(user._id, 1000) : undefined;
    const rows = await this.repository.list({
      from,
      to,
      kind: query.kind,
      ids,
      member: staff ? undefined : audienceMember(user),
      organizationId: scope ? new Types.ObjectId(scope) : undefined,
      order,
      after: query.cursor ? this.fromCursor(query.cursor) : undefined,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const mine = await this.rsvps.findMine(
      page.map((event) => event._id),
      caller.id,
    );
    // My place on each waitlist I am on (few per member): one count each.
    const positions = new Map<string, number>();
    await Promise.all(
      [...mine.values()]
        .filter((rsvp) => rsvp.status === 'waitlisted' && rsvp.seq !== null)
        .map(async (rsvp) =>
          positions.set(rsvp.eventId.toHexString(), await this.rsvps.position(rsvp.eventId, rsvp.seq!)),
        ),
    );
    const last = page[page.length - 1];
    return {
      items: page.map((event) => {
        const id = event._id.toHexString();
        return this.view(event, caller, mine.get(id) ?? null, staff, user, positions.get(id) ?? null);
      }),
      nextCursor: rows.length > limit ? `${last.startsAt.getTime()}_${last._id.toHexString()}` : null,
    };
  }

  /** One event with my RSVP and waitlist position; 404 when it is not for me. */
  async get(caller: Principal, id: string): Promise<EventDto> {
    const access = await this.access(caller, id);
    const rsvp = await this.rsvps.find(access.event._id, caller.id);
    const position =
      rsvp?.status === 'waitlisted' && rsvp.seq !== null ? await this.rsvps.position(access.event._id, rsvp.seq) : null;
    return this.view(access.event, caller, rsvp, access.staff, access.user, position, true);
  }

  /**
   * The event if the caller may see it: staff when it is aimed at their organization (or they have
   * none), members when its audience includes them (else 404, as if it did not exist). `locked`
   * says whether their tier is below `minTier`.
   */
  async access(caller: Principal, id: string): Promise<EventAccess> {
    const event = await this.find(id);
    const user = await this.user(caller.id);
    const staff = isStaff(caller);
    const visible = staff ? this.aimedAt(event, staffScope(caller)) : inAudience(event.audience, audienceMember(user));
    if (!visible) throw new NotFoundException('Event not found');
    return { event, user, staff, locked: !staff && this.isLocked(event, user.tierKey) };
  }

  /** For RSVPs and check-in: members only, in the audience, at the event's tier. */
  async memberAccess(caller: Principal, id: string): Promise<EventAccess> {
    if (!caller.roles.includes('member')) throw new ForbiddenException('Only members take part in events');
    const access = await this.access(caller, id);
    if (access.locked) {
      throw new ForbiddenException(`This event is for ${this.tierName(access.event.minTier)} members and above`);
    }
    return access;
  }

  /**
   * For the attendee list and a manager's check-in: the event when it is aimed at the caller's
   * organization (or everyone); 404 otherwise, as if it did not exist.
   */
  async staffFind(caller: Principal, id: string): Promise<Event> {
    const event = await this.find(id);
    if (!this.aimedAt(event, staffScope(caller))) throw new NotFoundException('Event not found');
    return event;
  }

  /**
   * For an edit or a cancellation: staff of one organization change only events aimed at it
   * alone. One they can see but that is shared with other organizations (or with everyone) is
   * an admin's to change: 403.
   */
  private async managed(caller: Principal, id: string): Promise<Event> {
    const event = await this.staffFind(caller, id);
    if (!changeableWithin(event, staffScope(caller))) {
      throw new ForbiddenException('This event is shared with other organizations: only an admin can change it');
    }
    return event;
  }

  /** Whether the event's audience includes the organization (no organization: every event). */
  private aimedAt(event: Event, organizationId: string | null): boolean {
    const named = event.audience?.organizationIds ?? [];
    return !organizationId || !named.length || named.some((org) => org.toHexString() === organizationId);
  }

  /**
   * The audience a create or an edit may store: staff of one organization aim events at it only
   * (none named: theirs; another named: 403, nothing stored).
   */
  private scopedAudience(caller: Principal, audience: AudienceDto | null | undefined): AudienceDto | undefined {
    const scope = staffScope(caller);
    if (!scope) return audience ?? undefined;
    if ((audience?.organizationIds ?? []).some((org) => org !== scope)) {
      throw new ForbiddenException('Events can only be aimed at your own organization');
    }
    return { ...audience, organizationIds: [scope] };
  }

  async find(id: string): Promise<Event> {
    const event = await this.repository.find(toObjectId(id, 'event id'));
    if (!event) throw new NotFoundException('Event not found');
    return event;
  }

  /** What a notification about the event names. */
  facts(event: Event): EventFacts {
    const times = zonedTimes(event.startsAt, event.endsAt, event.timezone, event.timezone);
    return {
      eventId: event._id.toHexString(),
      title: event.title,
      startsAt: event.startsAt.toISOString(),
      timezone: event.timezone,
      when: `${times.start} ${times.zone} time`,
    };
  }

  view(
    event: Event,
    caller: Principal,
    rsvp: Rsvp | null,
    staff: boolean,
    user?: UserRecord,
    position: number | null = null,
    detail = false,
  ): EventDto {
    const answer = rsvp && (ACTIVE_RSVP as string[]).includes(rsvp.status) ? (rsvp.status as RsvpAnswer) : null;
    return mapEvent(event, {
      myRsvp: answer,
      position,
      attended: rsvp?.attended ?? false,
      locked: !staff && !!user && this.isLocked(event, user.tierKey),
      minTierName: event.minTier ? this.tierName(event.minTier) : null,
      detail,
      staff: staff && isStaff(caller),
      changeable: staff && isStaff(caller) && changeableWithin(event, staffScope(caller)),
    });
  }

  private isLocked(event: Event, tierKey: string): boolean {
    return !!event.minTier && this.content.tierRank(tierKey) < this.content.tierRank(event.minTier);
  }

  private tierName(key: string | null): string {
    return key ? this.content.tier(key).name : '';
  }

  private async user(id: string): Promise<UserRecord> {
    const user = await this.members.get(new Types.ObjectId(id));
    if (!user) throw new NotFoundException('User not found');
    return user;
  }

  private fromCursor(cursor: string): EventCursor {
    const [millis, id] = cursor.split('_');
    return { startsAt: new Date(Number(millis)), id: new Types.ObjectId(id) };
  }

  /** A create or a merged edit as stored; 400 for what the DTO cannot check alone. */
  private validated(input: CreateEventDto): Omit<NewEvent, 'checkInCode' | 'createdBy'> {
    const startsAt = readTime(input.startsAt, input.timezone, 'startsAt');
    const endsAt = readTime(input.endsAt, input.timezone, 'endsAt');
    if (endsAt <= startsAt) throw new BadRequestException('endsAt must be after startsAt');
    const tierKeys = this.content.tiers().map((tier) => tier.key);
    if (input.minTier && !tierKeys.includes(input.minTier)) {
      throw new BadRequestException(`minTier: unknown tier "${input.minTier}"`);
    }
    return {
      title: input.title.trim(),
      description: input.description.trim(),
      kind: input.kind,
      startsAt,
      endsAt,
      timezone: input.timezone,
      capacity: input.capacity ?? null,
      minTier: input.minTier || null,
      audience: toAudience(input.audience, tierKeys),
      location: input.location?.trim() || null,
      joinUrl: input.joinUrl || null,
      points: input.points,
    };
  }

  private toInput(event: Event): CreateEventDto {
    const audience = {
      organizationIds: event.audience.organizationIds.map((id) => id.toHexString()),
      tiers: event.audience.tiers,
      roles: event.audience.roles,
    };
    return {
      title: event.title,
      description: event.description,
      kind: event.kind,
      startsAt: event.startsAt.toISOString(),
      endsAt: event.endsAt.toISOString(),
      timezone: event.timezone,
      capacity: event.capacity,
      minTier: event.minTier,
      audience,
      location: event.location,
      joinUrl: event.joinUrl,
      points: event.points,
    };
  }
}
