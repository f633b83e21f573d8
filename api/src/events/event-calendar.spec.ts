import * as ical from 'node-ical';
import { buildCalendar, CalendarEntry, eventUid } from './event-calendar';

const entry = (overrides: Partial<CalendarEntry> = {}): CalendarEntry => ({
  id: '665f1c2ab3d4e5f6a7b8c9d0',
  title: 'Heat pump install clinic',
  description: 'Hands-on session. '.repeat(12).trim(), // long enough to be folded
  startsAt: new Date('2026-03-09T13:00:00.000Z'),
  endsAt: new Date('2026-03-09T15:00:00.000Z'),
  timezone: 'America/New_York',
  location: 'Depot 4, Hall B',
  joinUrl: null,
  cancelled: false,
  sequence: 0,
  createdAt: new Date('2026-01-01T10:00:00.000Z'),
  updatedAt: new Date('2026-01-02T10:00:00.000Z'),
  url: 'https://hub.example.com/events/665f1c2ab3d4e5f6a7b8c9d0',
  ...overrides,
});

const parse = (text: string) =>
  Object.values(ical.sync.parseICS(text)).filter((c): c is ical.VEvent => c?.type === 'VEVENT');
/** A DESCRIPTION as text (node-ical gives a string, or an object when the property has parameters). */
const text = (value: ical.VEvent['description']) => (typeof value === 'string' ? value : (value?.val ?? ''));

describe('iCalendar output', () => {
  it('is RFC 5545 text: CRLF line ends, folded lines of at most 75 octets', () => {
    const text = buildCalendar('My events', [entry()]);
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = text.split('\r\n');
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(lines.some((line) => line.startsWith(' '))).toBe(true); // the long description was folded
    expect(text).toContain('VERSION:2.0');
    expect(text).toContain('PRODID:');
  });

  it('carries a stable UID, the SEQUENCE, times in UTC and an alarm one hour before', () => {
    const [event] = parse(buildCalendar('My events', [entry({ sequence: 3 })]));
    expect(event.uid).toBe(eventUid('665f1c2ab3d4e5f6a7b8c9d0'));
    expect(event.sequence).toBe(3);
    expect(event.start.toISOString()).toBe('2026-03-09T13:00:00.000Z');
    expect(event.end!.toISOString()).toBe('2026-03-09T15:00:00.000Z');
    expect(event.status).toBe('CONFIRMED');
    expect(event.location).toBe('Depot 4, Hall B');
    expect(text(event.description)).toContain('Mon 9 Mar, 09:00 – 11:00 (America/New_York)');
    expect(event.alarms).toHaveLength(1);
    expect(event.alarms![0]).toMatchObject({ action: 'DISPLAY' });
    expect(buildCalendar('My events', [entry()])).toMatch(/TRIGGER(;RELATED=START)?:-PT1H\r\n/);
  });

  it('keeps a cancelled event, with STATUS:CANCELLED and the same UID', () => {
    const [event] = parse(buildCalendar('My events', [entry({ cancelled: true, sequence: 4 })]));
    expect(event.uid).toBe(eventUid('665f1c2ab3d4e5f6a7b8c9d0'));
    expect(event.status).toBe('CANCELLED');
    expect(event.sequence).toBe(4);
  });

  it('puts a webinar’s join link where calendars show it', () => {
    const [event] = parse(buildCalendar('x', [entry({ location: null, joinUrl: 'https://meet.example.com/abc' })]));
    expect(event.location).toBe('https://meet.example.com/abc');
    expect(text(event.description)).toContain('Join: https://meet.example.com/abc');
  });
});
