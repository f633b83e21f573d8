import {
  checkInState,
  checkInWindow,
  dueReminder,
  reminderTimes,
  sameWallTime,
  zonedTimes,
  zoneCity,
} from './event-time';

// 2026: the US springs forward on Sunday 8 March, Europe on Sunday 29 March. Between the two,
// New York is 5 hours behind Stockholm instead of 6.
const MONDAY_AFTER_US_CHANGE = '2026-03-09T13:00:00.000Z'; // 09:00 in New York (EDT, UTC−4)
const END = '2026-03-09T15:00:00.000Z'; // 11:00

describe('the check-in window across the March change', () => {
  it('opens at 08:30 New York time (12:30 UTC, not 13:30 as in winter) and closes at the end', () => {
    const { opensAt, closesAt } = checkInWindow(MONDAY_AFTER_US_CHANGE, END);
    expect(opensAt.toISOString()).toBe('2026-03-09T12:30:00.000Z');
    expect(closesAt.toISOString()).toBe(END);
    expect(checkInState(MONDAY_AFTER_US_CHANGE, END, new Date('2026-03-09T12:29:59.000Z'))).toBe('early');
    expect(checkInState(MONDAY_AFTER_US_CHANGE, END, new Date('2026-03-09T12:30:00.000Z'))).toBe('open');
    expect(checkInState(MONDAY_AFTER_US_CHANGE, END, new Date(END))).toBe('open');
    expect(checkInState(MONDAY_AFTER_US_CHANGE, END, new Date('2026-03-09T15:00:01.000Z'))).toBe('closed');
  });
});

describe('zone display', () => {
  it('shows 09:00 New York, and 14:00 for a Stockholm viewer (5 hours apart that week)', () => {
    const times = zonedTimes(MONDAY_AFTER_US_CHANGE, END, 'America/New_York', 'Europe/Stockholm', 'en-GB');
    expect(times).toEqual({
      start: 'Mon 9 Mar, 09:00',
      end: '11:00',
      zone: 'New York',
      viewerStart: '14:00',
      viewerEnd: '16:00',
    });
  });

  it('names the weekday when the viewer’s day differs ("Thu 4 Dec, 18:00 New York · Fri 00:00")', () => {
    const times = zonedTimes(
      '2025-12-04T23:00:00.000Z',
      '2025-12-05T01:00:00.000Z',
      'America/New_York',
      'Europe/Stockholm',
      'en-GB',
    );
    expect(times.start).toBe('Thu 4 Dec, 18:00');
    expect(times.end).toBe('20:00');
    expect(times.viewerStart).toBe('Fri 00:00');
    expect(times.viewerEnd).toBe('02:00');
  });

  it('shows one zone only when the viewer’s wall time is the same', () => {
    const times = zonedTimes(MONDAY_AFTER_US_CHANGE, END, 'Europe/Stockholm', 'Europe/Berlin', 'en-GB');
    expect(times.viewerStart).toBeNull();
    expect(sameWallTime(MONDAY_AFTER_US_CHANGE, 'Europe/Stockholm', 'Europe/Berlin')).toBe(true);
    // The same two zones differ for a week each spring where one changed and the other has not.
    expect(sameWallTime(MONDAY_AFTER_US_CHANGE, 'America/New_York', 'America/Phoenix')).toBe(false);
  });

  it('follows the locale’s formats and names zones as places', () => {
    const times = zonedTimes(MONDAY_AFTER_US_CHANGE, END, 'America/New_York', 'UTC', 'en-US');
    const spaced = (text: string | null) => text?.replace(/\s/g, ' '); // ICU writes a narrow space before AM
    expect(spaced(times.start)).toBe('Mon, Mar 9, 9:00 AM');
    expect(spaced(times.viewerStart)).toBe('1:00 PM');
    expect(zoneCity('America/Argentina/Buenos_Aires')).toBe('Buenos Aires');
    expect(zoneCity('UTC')).toBe('UTC');
  });
});

describe('reminder times', () => {
  it('are 24 hours and 1 hour of elapsed time before the start, across the change', () => {
    const [day, hour] = reminderTimes(MONDAY_AFTER_US_CHANGE);
    expect(day).toEqual({ key: '24h', at: new Date('2026-03-08T13:00:00.000Z') }); // Sun 09:00 EDT
    expect(hour).toEqual({ key: '1h', at: new Date('2026-03-09T12:00:00.000Z') }); // Mon 08:00 EDT
    // An event on the Sunday of the change itself: 24 hours earlier is Saturday 08:00 EST.
    const [sundayDay] = reminderTimes('2026-03-08T13:00:00.000Z');
    expect(sundayDay.at.toISOString()).toBe('2026-03-07T13:00:00.000Z');
  });

  it('owes the 24-hour reminder only while about a day remains, then the 1-hour one, none once started', () => {
    const at = (iso: string) => new Date(iso);
    expect(dueReminder(MONDAY_AFTER_US_CHANGE, at('2026-03-08T12:59:00.000Z'))).toBeNull(); // 24 h 1 min before
    expect(dueReminder(MONDAY_AFTER_US_CHANGE, at('2026-03-08T13:00:00.000Z'))).toBe('24h'); // 24 h before
    expect(dueReminder(MONDAY_AFTER_US_CHANGE, at('2026-03-09T00:59:00.000Z'))).toBe('24h'); // 12 h 1 min before
    // Less than 12 hours left: a late RSVP hears nothing "a day ahead", and waits for the 1-hour one.
    expect(dueReminder(MONDAY_AFTER_US_CHANGE, at('2026-03-09T01:00:00.000Z'))).toBeNull(); // 12 h before
    expect(dueReminder(MONDAY_AFTER_US_CHANGE, at('2026-03-09T10:00:00.000Z'))).toBeNull(); // 3 h before
    expect(dueReminder(MONDAY_AFTER_US_CHANGE, at('2026-03-09T11:59:00.000Z'))).toBeNull(); // 61 min before
    expect(dueReminder(MONDAY_AFTER_US_CHANGE, at('2026-03-09T12:00:00.000Z'))).toBe('1h');
    expect(dueReminder(MONDAY_AFTER_US_CHANGE, at('2026-03-09T12:59:00.000Z'))).toBe('1h');
    expect(dueReminder(MONDAY_AFTER_US_CHANGE, at(MONDAY_AFTER_US_CHANGE))).toBeNull();
    expect(dueReminder(MONDAY_AFTER_US_CHANGE, at('2026-03-09T14:00:00.000Z'))).toBeNull();
  });
});
