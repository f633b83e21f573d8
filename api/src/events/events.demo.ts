import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { OnDomainEffect } from '../common/domain-event-bus';
import type { DemoReadyEvent } from '../common/domain-events';
import type { Principal } from '../common/roles';
import { AttendanceService } from './attendance.service';
import type { CreateEventDto } from './dto/event.dto';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { RsvpService } from './rsvp.service';
import { RsvpsRepository } from './rsvps.repository';

type DemoMember = DemoReadyEvent['members'][number];

interface DemoEvent {
  title: string;
  /** Days from today (negative: past), and the wall time in the event's zone. */
  inDays: number;
  at: string;
  hours: number;
  fields: Omit<CreateEventDto, 'title' | 'startsAt' | 'endsAt' | 'audience'>;
  /** Only the organization of this name (none: everyone). */
  organization?: string;
  /** In this order: the first `capacity` get seats, the rest wait. */
  rsvps: string[];
  /** Past events: who was checked in. */
  attended?: string[];
}

const DEMO_EVENTS: DemoEvent[] = [
  {
    title: 'Heat pump install clinic',
    inDays: 5,
    at: '17:00',
    hours: 2,
    organization: 'Northwind Installers',
    fields: {
      kind: 'club',
      description:
        'Bring your trickiest install questions. Our field engineers walk through three real cases, then ' +
        'open the floor. Coffee and cinnamon buns from 16:30. Only three seats: the waitlist moves up when ' +
        'someone leaves.',
      timezone: 'Europe/Stockholm',
      capacity: 3,
      location: 'Northwind depot, Industrigatan 4, Malmö',
      points: 100,
    },
    rsvps: ['bo@northwind.demo', 'chen@northwind.demo', 'dana@northwind.demo', 'ana@northwind.demo'],
  },
  {
    title: 'Gold partner preview: the 2027 range',
    inDays: 12,
    at: '15:00',
    hours: 2,
    fields: {
      kind: 'workshop',
      description: 'A first hands-on look at next year’s range, for Gold partners and above, with the product team.',
      timezone: 'Europe/Stockholm',
      capacity: 20,
      minTier: 'gold',
      location: 'Engagement Hub showroom, Stockholm',
      points: 150,
    },
    rsvps: [],
  },
  {
    title: 'Webinar: selling heat pumps through the winter',
    inDays: 3,
    at: '11:00',
    hours: 1,
    fields: {
      kind: 'webinar',
      description:
        'Our US sales lead shares what works when the cold comes: financing, seasonal offers and the ' +
        'questions customers ask. Live Q&A at the end.',
      timezone: 'America/New_York',
      capacity: null,
      joinUrl: 'https://meet.example.com/hub-winter-sales',
      points: 50,
    },
    rsvps: ['ana@northwind.demo', 'ella@contoso.demo'],
  },
  {
    title: 'Commissioning workshop, Chicago',
    inDays: 8,
    at: '09:30',
    hours: 3,
    organization: 'Contoso Distribution',
    fields: {
      kind: 'workshop',
      description: 'Commission a unit from first power-on to handover, step by step, with the checklist we use.',
      timezone: 'America/Chicago',
      capacity: 12,
      location: 'Contoso training center, 200 W Lake St, Chicago',
      points: 120,
    },
    rsvps: ['ella@contoso.demo'],
  },
  {
    title: 'Spring club evening',
    inDays: -20,
    at: '18:00',
    hours: 3,
    organization: 'Northwind Installers',
    fields: {
      kind: 'club',
      description: 'Our spring get-together: the year’s results, the new team leads, and dinner.',
      timezone: 'Europe/Stockholm',
      capacity: 30,
      location: 'Restaurang Hamnen, Malmö',
      points: 80,
    },
    // Ana and Bo's balances are what the dashboard tests expect: Chen and Dana came.
    rsvps: ['ana@northwind.demo', 'chen@northwind.demo', 'dana@northwind.demo'],
    attended: ['chen@northwind.demo', 'dana@northwind.demo'],
  },
];

/**
 * The demo program's events (HUB_DEMO, `npm start`): one of each kind ahead, one full with a
 * waitlist (ana waits), one for Gold members only (locked for ana), a webinar with a join link,
 * and a past evening with attendance and its points. Idempotent: found by title first, and the
 * RSVPs and check-ins are made only when the event is created.
 */
@Injectable()
export class EventsDemo {
  private readonly logger = new Logger(EventsDemo.name);

  constructor(
    private readonly events: EventsService,
    private readonly repository: EventsRepository,
    private readonly rsvpService: RsvpService,
    private readonly rsvps: RsvpsRepository,
    private readonly attendance: AttendanceService,
  ) {}

  @OnDomainEffect('demo.ready')
  async load(demo: DemoReadyEvent): Promise<void> {
    const staff = demo.staff.find((person) => person.roles.includes('manager'));
    if (!staff) return;
    const manager: Principal = { id: staff.id, roles: ['manager'], organizationId: null, teamId: null };
    const members = new Map(demo.members.map((member) => [member.email, member]));
    let created = 0;
    for (const spec of DEMO_EVENTS) {
      if (await this.repository.findByTitle(spec.title)) continue;
      const start = DateTime.fromISO(`${DateTime.now().setZone(spec.fields.timezone).toISODate()}T${spec.at}`, {
        zone: spec.fields.timezone,
      }).plus({ days: spec.inDays });
      const organizationId = spec.organization ? demo.organizations[spec.organization] : undefined;
      const event = await this.events.create(manager, {
        ...spec.fields,
        title: spec.title,
        startsAt: start.toUTC().toISO()!,
        endsAt: start.plus({ hours: spec.hours }).toUTC().toISO()!,
        audience: organizationId ? { organizationIds: [organizationId] } : undefined,
      });
      created++;
      const people = spec.rsvps.map((email) => members.get(email)).filter((m): m is DemoMember => !!m);
      if (spec.inDays >= 0) {
        for (const person of people) await this.rsvpService.rsvp(this.principal(person), event.id);
      } else {
        await this.pastAttendance(event.id, people, spec.attended ?? [], manager);
      }
    }
    if (created) this.logger.log(`Demo events: ${created} created`);
  }

  /** A past event: RSVPs as they were (no longer possible through the API), then check-ins. */
  private async pastAttendance(id: string, people: DemoMember[], attended: string[], manager: Principal) {
    const eventId = new Types.ObjectId(id);
    for (const person of people) {
      const owner = {
        eventId,
        userId: new Types.ObjectId(person.id),
        organizationId: new Types.ObjectId(person.organizationId),
      };
      if (await this.repository.takeSeatIfNoQueue(eventId)) await this.rsvps.join(owner, 'going', null);
    }
    for (const person of people.filter((p) => attended.includes(p.email))) {
      await this.attendance.checkInByManager(manager, id, person.id);
    }
  }

  private principal(member: DemoMember): Principal {
    return { id: member.id, roles: ['member'], organizationId: member.organizationId, teamId: member.teamId };
  }
}
