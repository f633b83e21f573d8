import { Types } from 'mongoose';
import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
import { Tally, TallySchema } from './schemas/tally.schema';
import { TalliesRepository, type TallyTarget } from './tallies.repository';
import type { TallyPart } from './tallies';

describe('TalliesRepository (embedded FerretDB, two processes)', () => {
  let db: RealDatabase;
  let a: TalliesRepository;
  let b: TalliesRepository;

  beforeAll(async () => {
    db = await realDatabase();
    const model = db.model<Tally>(Tally.name, TallySchema);
    a = new TalliesRepository(model, await db.atomicWrites());
    b = new TalliesRepository(model, await db.atomicWrites());
  });
  afterAll(() => db.close());

  const target = (): TallyTarget => {
    const campaignId = new Types.ObjectId();
    return { id: campaignId.toHexString(), campaignId, kind: 'total', key: null };
  };
  const part = (score: number, text?: string): TallyPart => ({
    token: new Types.ObjectId().toHexString(),
    inc: { responses: 1, 'q.nps.n': 1, 'q.nps.sum': score, [`q.nps.d.${score}`]: 1 },
    texts: text ? { why: text } : {},
  });

  it('stays exact when two processes apply 60 responses at once (merged writes)', async () => {
    const into = target();
    const parts = Array.from({ length: 60 }, (_, i) => part(i % 11, `text ${i}`));
    const outcomes = await allAtOnce(60, (i) => (i % 2 ? a : b).apply([{ target: into, part: parts[i] }]));
    expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    const tally = (await a.find(into.id))!;
    expect(tally.responses).toBe(60);
    expect(tally.q!.nps.n).toBe(60);
    expect(tally.q!.nps.sum).toBe(parts.reduce((sum, p) => sum + p.inc['q.nps.sum'], 0));
    expect(tally.q!.why.latest).toHaveLength(5);
    expect(tally).toMatchObject({ kind: 'total' });
  });

  it('applies a response once when it is finished again after a crash, alone or beside fresh ones', async () => {
    const into = target();
    const crashed = part(9);
    await a.apply([{ target: into, part: crashed }]); // applied, then the process died before closing
    await b.apply([{ target: into, part: crashed }]); // the sweep finishes it again
    const fresh = Array.from({ length: 10 }, () => part(3));
    await allAtOnce(11, (i) => a.apply([{ target: into, part: i === 10 ? crashed : fresh[i] }]));
    const tally = (await a.find(into.id))!;
    expect(tally.responses).toBe(11);
    expect(tally.q!.nps.d!['9']).toBe(1);
    expect(tally.q!.nps.d!['3']).toBe(10);
  });

  it('drops the guards of released responses with its next write', async () => {
    const into = target();
    const first = part(5);
    await a.apply([{ target: into, part: first }]);
    a.release([into.id], first.token);
    await a.apply([{ target: into, part: part(6) }]);
    const raw = await db.connection.collection('campaign_tallies').findOne({ _id: into.id as never });
    const tokens = Object.values(raw!.applied as Record<string, Record<string, unknown>>).flatMap(Object.keys);
    expect(tokens).toHaveLength(1);
    expect(tokens).not.toContain(first.token);
    expect(raw!.responses).toBe(2);
  });
});
