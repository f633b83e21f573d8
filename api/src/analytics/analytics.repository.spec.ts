import { Types } from 'mongoose';
import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
import { histogramOf } from './analytics-rebuild.service';
import { AnalyticsRepository, type ActiveDayChanges } from './analytics.repository';
import { RollupWriter } from './rollup-writer';
import { addDays } from './rollups';
import {
  AnalyticsBatch,
  AnalyticsBatchSchema,
  AnalyticsMember,
  AnalyticsMemberSchema,
  AnalyticsRollup,
  AnalyticsRollupSchema,
} from './schemas/analytics.schema';

const token = () => new Types.ObjectId().toHexString();

describe('analytics primitives (embedded FerretDB, two processes)', () => {
  let db: RealDatabase;
  let a: AnalyticsRepository;
  let b: AnalyticsRepository;
  let writerA: RollupWriter;
  let writerB: RollupWriter;

  beforeAll(async () => {
    db = await realDatabase();
    const rollups = db.model<AnalyticsRollup>(AnalyticsRollup.name, AnalyticsRollupSchema);
    const batches = db.model<AnalyticsBatch>(AnalyticsBatch.name, AnalyticsBatchSchema);
    const members = db.model<AnalyticsMember>(AnalyticsMember.name, AnalyticsMemberSchema);
    a = new AnalyticsRepository(rollups, members, await db.atomicWrites());
    b = new AnalyticsRepository(rollups, members, await db.atomicWrites());
    writerA = new RollupWriter(rollups, batches, await db.atomicWrites());
    writerB = new RollupWriter(rollups, batches, await db.atomicWrites());
  });
  afterAll(() => db.close());

  it('adds a member’s active days once each, however many facts arrive at once, and a replay gets the same changes', async () => {
    const userId = new Types.ObjectId().toHexString();
    const facts = Array.from({ length: 24 }, (_, i) => ({ token: token(), day: addDays('2026-12-20', (i * 5) % 17) }));
    const results = await allAtOnce(facts.length, (i) =>
      (i % 2 ? a : b).addActiveDays(userId, 'org', facts[i].token, facts[i].day, facts[i].day, false),
    );
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const changes = results.map((r) => (r as PromiseFulfilledResult<ActiveDayChanges>).value);
    const net = new Map<string, number>();
    for (const change of changes.flatMap((c) => c.organization)) {
      const key = `${change.day}|${change.gap}`;
      net.set(key, (net.get(key) ?? 0) + change.by);
    }
    const days = [...new Set(facts.map((f) => f.day))].sort();
    const expected = new Map(histogramOf(days).map((c) => [`${c.day}|${c.gap}`, 1]));
    expect(new Map([...net].filter(([, n]) => n !== 0))).toEqual(expected);
    // The same fact again (a replay): the same changes, nothing new in the member's days.
    const replayed = await a.addActiveDays(userId, 'org', facts[3].token, facts[3].day, facts[3].day, true);
    expect(replayed).toEqual(changes[3]);
    // A new fact of a day this process has seen: nothing to add, and no read needed.
    expect(await a.addActiveDays(userId, 'org', token(), facts[3].day, facts[3].day, false)).toEqual({
      organization: [],
      program: [],
    });
    const [member] = await a.membersById([userId]);
    expect(member!.days).toEqual(days);
  });

  it('applies increments exactly once per fact from two writers, and a replay of a written fact adds nothing', async () => {
    const id = `test-${token()}:2026-12`;
    const facts = Array.from({ length: 40 }, () => token());
    const results = await allAtOnce(facts.length, (i) =>
      (i % 2 ? writerA : writerB).apply(facts[i], new Map([[id, { 'd.31.activities': 1, 'd.31.h.n': 1 }]]), false),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    await writerA.apply(facts[0], new Map([[id, { 'd.31.activities': 1 }]]), true);
    const doc = (await a.rollupsById([id])).get(id)!;
    expect(doc.d!['31']).toEqual({ activities: 40, h: { n: 40 } });
  });
});
