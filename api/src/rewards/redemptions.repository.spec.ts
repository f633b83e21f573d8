import { Types } from 'mongoose';
import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
import { NewRedemption, RedemptionsRepository } from './redemptions.repository';
import { Redemption, RedemptionSchema } from './schemas/redemption.schema';

describe('RedemptionsRepository state changes (embedded FerretDB, two processes)', () => {
  let db: RealDatabase;
  let a: RedemptionsRepository;
  let b: RedemptionsRepository;
  let n = 0;

  beforeAll(async () => {
    db = await realDatabase();
    const model = db.model<Redemption>(Redemption.name, RedemptionSchema);
    a = new RedemptionsRepository(model, await db.atomicWrites());
    b = new RedemptionsRepository(model, await db.atomicWrites());
  });
  afterAll(() => db.close());

  const draft = (fields: Partial<NewRedemption> = {}): NewRedemption => ({
    _id: `${String(++n).padStart(32, '0')}`,
    token: new Types.ObjectId(),
    userId: new Types.ObjectId(),
    organizationId: null,
    rewardId: new Types.ObjectId(),
    rewardName: 'Gift card',
    rewardKind: 'gift-card',
    cost: 10,
    idempotencyKey: `key-${n}`,
    state: 'pending',
    plan: { stock: true, limit: null, codePool: false },
    owner: 'me',
    lockedUntil: new Date(Date.now() + 60_000),
    failure: null,
    code: null,
    codeSlot: null,
    note: null,
    decidedBy: null,
    decidedAt: null,
    settleToken: null,
    settled: true,
    ...fields,
  });

  it('writes a redemption once per _id', async () => {
    const record = draft();
    const results = await allAtOnce(6, (i) => (i % 2 ? a : b).insert(record));
    expect(results.filter((r) => r.status === 'fulfilled' && r.value)).toHaveLength(1);
  });

  it('moves a pending redemption once, whatever the concurrency, with a settle token for a give-back', async () => {
    const record = draft();
    await a.insert(record);
    const by = new Types.ObjectId();
    const results = await allAtOnce(10, (i) =>
      (i % 2 ? a : b).decide(record._id, (['fulfilled', 'rejected', 'cancelled'] as const)[i % 3], by, null),
    );
    const moved = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
    expect(moved).toHaveLength(1);
    const after = (await a.find(record._id))!;
    expect(after.state).toBe(moved[0].state);
    expect(after.settled).toBe(after.state === 'fulfilled');
    expect(after.settleToken !== null).toBe(after.state !== 'fulfilled');
  });

  it('commits or fails only for its owner, and is taken over only once the owner’s time is up', async () => {
    const live = draft({ state: 'reserving', owner: 'first' });
    await a.insert(live);
    expect((await b.commit(live._id, 'someone-else', 'pending')).changed).toBe(false);
    expect(await b.takeOver(live._id, ['reserving'], 'second', new Date(), new Date())).toBeNull();
    const later = new Date(Date.now() + 120_000);
    const takeovers = await allAtOnce(6, (i) =>
      (i % 2 ? a : b).takeOver(live._id, ['reserving'], `t${i}`, later, later),
    );
    expect(takeovers.filter((r) => r.status === 'fulfilled' && r.value)).toHaveLength(1);
    expect((await a.commit(live._id, 'first', 'pending')).changed).toBe(false);
    const owner = (await a.find(live._id))!.owner;
    expect(await a.fail(live._id, owner, 'interrupted')).toBe(true);
    expect(await a.fail(live._id, owner, 'interrupted')).toBe(false);
  });
});
