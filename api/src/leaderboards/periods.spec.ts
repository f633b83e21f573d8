import { periodAt } from './periods';

describe('leaderboard periods', () => {
  it('counts Sunday 23:30 in Tokyo in that Tokyo week, though it is already Monday in UTC+14', () => {
    const at = new Date('2026-11-22T14:30:00Z'); // Sun 23:30 in Tokyo, Mon 04:30 in Kiritimati
    const tokyo = periodAt('week', at, 'Asia/Tokyo');
    expect(tokyo.key).toBe('week:2026-11-16');
    expect(tokyo.start!.toISO()).toBe('2026-11-16T00:00:00.000+09:00');
    expect(tokyo.end!.toISO()).toBe('2026-11-23T00:00:00.000+09:00');
    expect(periodAt('week', at, 'Pacific/Kiritimati').key).toBe('week:2026-11-23');
  });

  it('keeps Monday-to-Monday weeks across the last Sunday of March in Stockholm (167 hours)', () => {
    const week = periodAt('week', new Date('2026-03-29T12:00:00Z'), 'Europe/Stockholm'); // DST starts Sun 29 March
    expect(week.key).toBe('week:2026-03-23');
    expect(week.start!.toISO()).toBe('2026-03-23T00:00:00.000+01:00');
    expect(week.end!.toISO()).toBe('2026-03-30T00:00:00.000+02:00');
    expect(week.end!.diff(week.start!, 'hours').hours).toBe(167);
  });

  it('keeps Monday-to-Monday weeks across the last Sunday of October in Stockholm (169 hours)', () => {
    const sundayNight = new Date('2026-10-25T22:30:00Z'); // 23:30 local after the clocks went back
    const week = periodAt('week', sundayNight, 'Europe/Stockholm');
    expect(week.key).toBe('week:2026-10-19');
    expect(week.end!.toISO()).toBe('2026-10-26T00:00:00.000+01:00');
    expect(week.end!.diff(week.start!, 'hours').hours).toBe(169);
    expect(periodAt('week', new Date('2026-10-25T23:00:00Z'), 'Europe/Stockholm').key).toBe('week:2026-10-26');
  });

  it('splits months at local midnight', () => {
    expect(periodAt('month', new Date('2026-11-30T23:30:00Z'), 'UTC').key).toBe('month:2026-11');
    expect(periodAt('month', new Date('2026-11-30T23:30:00Z'), 'Europe/Stockholm').key).toBe('month:2026-12');
    const december = periodAt('month', new Date('2026-12-15T00:00:00Z'), 'America/Chicago');
    expect(december.start!.toISO()).toBe('2026-12-01T00:00:00.000-06:00');
    expect(december.end!.toISO()).toBe('2027-01-01T00:00:00.000-06:00');
  });

  it('reuses the window it just computed only inside it, up to the exclusive end', () => {
    const zone = 'Europe/Stockholm';
    const week = periodAt('week', new Date('2026-11-18T12:00:00Z'), zone);
    expect(periodAt('week', new Date('2026-11-22T22:59:59.999Z'), zone)).toBe(week);
    expect(periodAt('week', new Date('2026-11-22T23:00:00Z'), zone).key).toBe('week:2026-11-23');
    expect(periodAt('week', new Date('2026-11-15T22:59:59.999Z'), zone).key).toBe('week:2026-11-09');
    expect(periodAt('week', new Date('2026-11-16T00:00:00Z'), 'Asia/Tokyo').key).toBe('week:2026-11-16');
    expect(periodAt('month', new Date('2026-11-16T00:00:00Z'), zone).key).toBe('month:2026-11');
  });

  it('has no boundaries for all time', () => {
    expect(periodAt('all', new Date(), 'UTC')).toEqual({ key: 'all', start: null, end: null });
  });
});
