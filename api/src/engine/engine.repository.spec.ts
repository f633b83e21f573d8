import { Types } from 'mongoose';
import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
import { EngineRepository } from './engine.repository';
import {
  Counter,
  CounterSchema,
  Mark,
  MarkSchema,
  MemberBadge,
  MemberBadgeSchema,
} from './schemas/engine-state.schema';

const token = () => new Types.ObjectId().toHexString();

describe('EngineRepository counters (embedded FerretDB, two processes)', () => {
  let db: RealDatabase;
  let a: EngineRepository;
  let b: EngineRepository;

  beforeAll(async () => {
    db = await realDatabase();
    const models = [
      db.model<Counter>(Counter.name, CounterSchema),
      db.model<Mark>(Mark.name, MarkSchema),
      db.model<MemberBadge>(MemberBadge.name, MemberBadgeSchema),
    ] as const;
    a = new EngineRepository(...models, await db.atomicWrites());
    b = new EngineRepository(...models, await db.atomicWrites());
  });
  afterAll(() => db.close());

  it('reserves within every cap window at once: 20 awards of 30 against a day cap of 100 get exactly 100', async () => {
    const windows = [
      { id: 'cap|u1|quiz.passed|day|2026-11-30', cap: 100 },
      { id: 'cap|u1|quiz.passed|week|2026-11-30', cap: 150 },
    ];
    const results = await allAtOnce(20, (i) => (i % 2 ? a : b).reserveWithinCaps(windows, 30, token()));
    const reserved = results.map((r) => (r.status === 'fulfilled' ? r.value : NaN));
    expect(reserved.reduce((sum, points) => sum + points, 0)).toBe(100);
    expect(reserved.filter((points) => points === 30)).toHaveLength(3);
    expect(await a.counterValues(windows.map((w) => w.id))).toEqual(
      new Map([
        [windows[0].id, 100],
        [windows[1].id, 100],
      ]),
    );
  });

  it('reserves once per award, and gives back exactly what it reserved, once', async () => {
    const windows = [{ id: 'cap|u2|lesson.completed|day|2026-11-30', cap: 50 }];
    const award = token();
    await a.reserveWithinCaps(windows, 20, award);
    await b.reserveWithinCaps(windows, 20, award); // a replay of the same award
    expect((await a.counterValues([windows[0].id])).get(windows[0].id)).toBe(20);
    await allAtOnce(5, (i) => (i % 2 ? a : b).release(windows[0].id, award));
    expect((await a.counterValues([windows[0].id])).get(windows[0].id)).toBe(0);
  });

  it('counts each token once under concurrency (challenge progress)', async () => {
    const tokens = Array.from({ length: 10 }, token);
    await allAtOnce(40, (i) => (i % 2 ? a : b).incrementOnce('challenge|c1|user|u1', 1, tokens[i % 10]));
    expect(await a.incrementOnce('challenge|c1|user|u1', 1, tokens[0])).toBe(10);
  });

  it('marks once, and knows a mark set by the same entry as its own', async () => {
    const entry = token();
    const marks = await allAtOnce(10, () => a.markFor('distinct|u1|course.completed|courseSlug|solar', entry));
    expect(marks.every((r) => r.status === 'fulfilled' && r.value)).toBe(true);
    expect(await b.markFor('distinct|u1|course.completed|courseSlug|solar', token())).toBe(false);
  });
});
