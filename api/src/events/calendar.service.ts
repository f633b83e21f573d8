import { Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import type { Principal } from '../common/roles';
import { CalendarFeedsRepository } from './calendar-feeds.repository';
import type { CalendarLinkDto } from './dto/event.dto';
import { buildCalendar, CalendarEntry } from './event-calendar';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { RsvpsRepository } from './rsvps.repository';
import type { Event } from './schemas/event.schema';
import type { Rsvp } from './schemas/rsvp.schema';

/** How many of a member's events their feed holds (the most recent answers). */
const FEED_LIMIT = 500;
/** Calendar apps poll a subscribed feed; this asks them to look again within the hour. */
const FEED_TTL_SECONDS = 3600;

/** 32 random bytes: a secret nobody guesses. */
const newSecret = () => randomBytes(32).toString('base64url');

/**
 * iCalendar for members: a personal feed of the events they are going to or waiting for, behind
 * an unguessable token they can rotate, and one `.ics` per event ("Add to calendar").
 */
@Injectable()
export class CalendarService {
  constructor(
    private readonly feeds: CalendarFeedsRepository,
    private readonly events: EventsService,
    private readonly repository: EventsRepository,
    private readonly rsvps: RsvpsRepository,
  ) {}

  /** GET /me/calendar: the feed URL (made on first use). */
  async link(caller: Principal, origin: string): Promise<CalendarLinkDto> {
    const feed = await this.feeds.ensure(caller.id, newSecret());
    return this.toLink(origin, caller.id, feed.secret);
  }

  /** POST /me/calendar/rotate: a new secret; the old URL answers 404 from now on. */
  async rotate(caller: Principal, origin: string): Promise<CalendarLinkDto> {
    const feed = await this.feeds.rotate(caller.id, newSecret());
    return this.toLink(origin, caller.id, feed.secret);
  }

  /** GET /calendar/:token.ics: the member's events; 404 for any token that is not current. */
  async feed(token: string, origin: string): Promise<string> {
    const userId = await this.owner(token);
    if (!userId) throw new NotFoundException('Calendar not found');
    const ids = await this.rsvps.activeEventIds(new Types.ObjectId(userId), FEED_LIMIT);
    const [events, mine] = await Promise.all([this.repository.findMany(ids), this.rsvps.findMine(ids, userId)]);
    events.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    const entries = events.map((event) => this.entry(event, mine.get(event._id.toHexString()) ?? null, origin));
    return buildCalendar('Engagement Hub events', entries, { ttlSeconds: FEED_TTL_SECONDS });
  }

  /** GET /events/:id/event.ics: one event for whoever may see it. */
  async single(caller: Principal, id: string, origin: string): Promise<{ filename: string; body: string }> {
    const { event, staff } = await this.events.access(caller, id);
    const rsvp = await this.rsvps.find(event._id, caller.id);
    const entry = this.entry(event, rsvp, origin, staff);
    const slug =
      event.title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 60) || 'event';
    return { filename: `${slug}.ics`, body: buildCalendar(event.title, [entry]) };
  }

  /** Whose feed a token opens, comparing the secret in constant time; null when none. */
  private async owner(token: string): Promise<string | null> {
    const match = /^([0-9a-f]{24})-([A-Za-z0-9_-]{20,100})$/.exec(token);
    if (!match) return null;
    const feed = await this.feeds.find(match[1]);
    if (!feed) return null;
    const given = Buffer.from(match[2]);
    const stored = Buffer.from(feed.secret);
    return given.length === stored.length && timingSafeEqual(given, stored) ? match[1] : null;
  }

  private toLink(origin: string, userId: string, secret: string): CalendarLinkDto {
    const url = `${origin}/api/calendar/${userId}-${secret}.ics`;
    return { url, webcalUrl: url.replace(/^https?:/, 'webcal:') };
  }

  private entry(event: Event, rsvp: Rsvp | null, origin: string, staff = false): CalendarEntry {
    return {
      id: event._id.toHexString(),
      title: event.title,
      description: event.description,
      startsAt: event.startsAt,
      endsAt: event.endsAt,
      timezone: event.timezone,
      location: event.location,
      joinUrl: staff || rsvp?.status === 'going' ? event.joinUrl : null,
      cancelled: event.status === 'cancelled',
      sequence: event.sequence,
      createdAt: event.createdAt,
      updatedAt: event.changedAt ?? event.updatedAt,
      url: `${origin}/events/${event._id.toHexString()}`,
    };
  }
}
