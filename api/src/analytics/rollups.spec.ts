import { histogramOf } from './analytics-rebuild.service';
import {
  addDays,
  dailyActive,
  dayOf,
  daysBetween,
  distinctActive,
  entryCounters,
  insertDay,
  monthDocId,
  monthsIn,
  npsOf,
  participationRate,
  periodsIn,
  startOfDay,
} from './rollups';

/** Applies histogram changes to per-day histograms (what the rollup documents hold). */
function applyChanges(into: Map<string, Record<string, number>>, changes: ReturnType<typeof histogramOf>) {
  for (const { day, gap, by } of changes) {
    const h = into.get(day) ?? {};
    h[gap] = (h[gap] ?? 0) + by;
    if (!h[gap]) delete h[gap];
    into.set(day, h);
  }
}

describe('rollup keys and periods', () => {
  it('puts an instant in its calendar day of the zone, across a DST change', () => {
    // Europe/Stockholm left summer time on 2026-10-25 at 03:00 local (01:00 UTC).
    expect(dayOf(new Date('2026-10-24T22:30:00Z'), 'Europe/Stockholm')).toBe('2026-10-25'); // 00:30 CEST
    expect(dayOf(new Date('2026-10-25T22:30:00Z'), 'Europe/Stockholm')).toBe('2026-10-25'); // 23:30 CET
    expect(dayOf(new Date('2026-10-25T23:00:00Z'), 'Europe/Stockholm')).toBe('2026-10-26');
    expect(startOfDay('2026-10-25', 'Europe/Stockholm')).toBe('2026-10-25T00:00:00.000+02:00');
    expect(startOfDay('2026-10-26', 'Europe/Stockholm')).toBe('2026-10-26T00:00:00.000+01:00');
    // America/New_York's spring forward: the day is 23 hours long, still one day.
    expect(daysBetween('2026-03-07', '2026-03-09')).toBe(2);
    expect(dayOf(new Date('2026-03-09T03:59:00Z'), 'America/New_York')).toBe('2026-03-08');
  });

  it('crosses a year end: days, months and the ISO week that spans it', () => {
    expect(dayOf(new Date('2026-12-31T23:30:00Z'), 'Europe/Stockholm')).toBe('2027-01-01');
    expect(dayOf(new Date('2026-12-31T23:30:00Z'), 'America/Chicago')).toBe('2026-12-31');
    expect(monthDocId('org1', '2026-12-31')).toBe('org1:2026-12');
    expect(monthDocId('program', '2027-01-01')).toBe('program:2027-01');
    expect(monthsIn('2026-11-20', '2027-02-02')).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(daysBetween('2026-12-25', '2027-01-04')).toBe(10);
    // 2026-12-28 is a Monday; its ISO week runs to Sunday 2027-01-03.
    expect(periodsIn('2026-12-24', '2027-01-06', 'week')).toEqual([
      { first: '2026-12-24', last: '2026-12-27' },
      { first: '2026-12-28', last: '2027-01-03' },
      { first: '2027-01-04', last: '2027-01-06' },
    ]);
  });

  it('weeks across a DST change are still Monday to Sunday', () => {
    expect(periodsIn('2026-10-19', '2026-11-01', 'week')).toEqual([
      { first: '2026-10-19', last: '2026-10-25' },
      { first: '2026-10-26', last: '2026-11-01' },
    ]);
    expect(periodsIn('2026-10-24', '2026-10-26', 'day').map((p) => p.first)).toEqual([
      '2026-10-24',
      '2026-10-25',
      '2026-10-26',
    ]);
  });
});

describe('figures', () => {
  it('participation: active ÷ members, four decimals, 0 without members, never above 1', () => {
    expect(participationRate(3, 20)).toBe(0.15);
    expect(participationRate(1, 3)).toBe(0.3333);
    expect(participationRate(2, 3)).toBe(0.6667);
    expect(participationRate(0, 0)).toBe(0);
    expect(participationRate(5, 4)).toBe(1);
  });

  it('NPS: % promoters − % detractors, whole, null without answers', () => {
    expect(npsOf({ promoters: 2, passives: 1, detractors: 1 })).toBe(25);
    expect(npsOf({ promoters: 1, passives: 0, detractors: 2 })).toBe(-33);
    expect(npsOf({ promoters: 1, detractors: 7 })).toBe(-75);
    expect(npsOf({})).toBeNull();
  });

  it('ledger entries: earned apart from adjustments; refunds take back redemptions', () => {
    expect(entryCounters('earn', 20, 'lesson.completed')).toEqual({
      activities: 1,
      pointsIssued: 20,
      lessonsCompleted: 1,
    });
    expect(entryCounters('earn', 0, 'event.attended')).toEqual({ activities: 1, eventsAttended: 1 });
    expect(entryCounters('earn', 500, null)).toEqual({ pointsIssued: 500 });
    expect(entryCounters('adjust', -30, null)).toEqual({ pointsAdjusted: -30 });
    expect(entryCounters('redeem', -300, null)).toEqual({ pointsRedeemed: 300, redemptions: 1 });
    expect(entryCounters('refund', 300, null)).toEqual({ pointsRedeemed: -300, redemptions: -1 });
    expect(entryCounters('expire', -40, null)).toEqual({ pointsExpired: 40 });
  });
});

describe('distinct active members from day histograms', () => {
  it('counts each member once over any range, whatever order the days arrive in', () => {
    // Deterministic pseudo-random members' active days over ten weeks spanning a year end.
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const start = '2026-11-25';
    const members = Array.from({ length: 40 }, () =>
      Array.from({ length: 8 }, () => addDays(start, Math.floor(random() * 70))),
    );
    const incremental = new Map<string, Record<string, number>>();
    for (const days of members) {
      let known: string[] = [];
      for (const day of days) {
        const added = insertDay(known, day);
        if (!added) continue;
        known = added.days;
        applyChanges(incremental, added.changes);
      }
    }
    const rebuilt = new Map<string, Record<string, number>>();
    for (const days of members) applyChanges(rebuilt, histogramOf([...new Set(days)].sort()));
    expect(incremental).toEqual(rebuilt);
    for (const [from, to] of [
      ['2026-11-25', '2027-02-02'],
      ['2026-12-28', '2027-01-03'],
      ['2026-12-31', '2027-01-01'],
      ['2027-01-10', '2027-01-10'],
      ['2026-12-01', '2026-12-20'],
    ]) {
      const truth = members.filter((days) => days.some((day) => day >= from && day <= to)).length;
      expect(distinctActive(incremental, from, to)).toBe(truth);
    }
    const oneDay = '2026-12-31';
    expect(dailyActive(incremental.get(oneDay))).toBe(members.filter((days) => days.includes(oneDay)).length);
  });

  it('a day reported between two known ones moves the next day’s gap', () => {
    const first = insertDay([], '2026-12-30')!;
    expect(first.changes).toEqual([{ day: '2026-12-30', gap: 'n', by: 1 }]);
    const later = insertDay(first.days, '2027-01-05')!;
    expect(later.changes).toEqual([{ day: '2027-01-05', gap: '6', by: 1 }]);
    const between = insertDay(later.days, '2027-01-02')!;
    expect(between.days).toEqual(['2026-12-30', '2027-01-02', '2027-01-05']);
    expect(between.changes).toEqual([
      { day: '2027-01-02', gap: '3', by: 1 },
      { day: '2027-01-05', gap: '6', by: -1 },
      { day: '2027-01-05', gap: '3', by: 1 },
    ]);
    expect(insertDay(between.days, '2027-01-02')).toBeNull();
  });
});
