import { Types } from 'mongoose';
import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
import { RewardCodesRepository } from './reward-codes.repository';
import { RewardsRepository } from './rewards.repository';
import {
  Reward,
  RewardCode,
  RewardCodeSchema,
  RewardHolding,
  RewardHoldingSchema,
  RewardSchema,
} from './schemas/reward.schema';

const token = () => new Types.ObjectId().toHexString();
const fulfilled = <T>(results: PromiseSettledResult<T>[]) =>
  results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));

describe('RewardsRepository primitives (embedded FerretDB, two processes)', () => {
  let db: RealDatabase;
  let a: RewardsRepository;
  let b: RewardsRepository;
  let codesA: RewardCodesRepository;
  let codesB: RewardCodesRepository;

  beforeAll(async () => {
    db = await realDatabase();
    await db.model<RewardCode>(RewardCode.name, RewardCodeSchema).init(); // the unique {rewardId, code} index
    const rewards = db.model<Reward>(Reward.name, RewardSchema);
    const holdings = db.model<RewardHolding>(RewardHolding.name, RewardHoldingSchema);
    const codes = db.model<RewardCode>(RewardCode.name, RewardCodeSchema);
    const [first, second] = [await db.atomicWrites(), await db.atomicWrites()];
    a = new RewardsRepository(rewards, holdings, first);
    b = new RewardsRepository(rewards, holdings, second);
    codesA = new RewardCodesRepository(rewards, codes, first);
    codesB = new RewardCodesRepository(rewards, codes, second);
  });
  afterAll(() => db.close());

  const reward = (fields: Partial<Reward> = {}) =>
    a.create({
      name: 'Gift card',
      description: 'd',
      kind: 'gift-card',
      cost: 10,
      stock: null,
      minTier: null,
      perMemberLimit: null,
      audience: { organizationIds: [], tiers: [], roles: [] },
      active: true,
      codePool: false,
      createdBy: null,
      ...fields,
    });

  it('takes stock only while some is left, once per token, whatever the concurrency', async () => {
    const { _id } = await reward({ stock: 10 });
    const tokens = Array.from({ length: 30 }, token);
    const results = fulfilled(await allAtOnce(30, (i) => (i % 2 ? a : b).takeStock(_id, tokens[i])));
    expect(results.filter((r) => r === 'taken')).toHaveLength(10);
    expect((await a.find(_id))!.stock).toBe(0);
    const winner = tokens[results.indexOf('taken')];
    expect(await b.takeStock(_id, winner)).toBe('taken'); // a replay takes nothing more
    expect((await a.find(_id))!.stock).toBe(0);
  });

  it('gives a unit back once per token, however many times it is asked', async () => {
    const { _id } = await reward({ stock: 3 });
    const mine = token();
    await a.takeStock(_id, mine);
    await allAtOnce(8, (i) => (i % 2 ? a : b).returnStock(_id, mine));
    expect((await a.find(_id))!.stock).toBe(3);
    await allAtOnce(8, (i) => (i % 2 ? a : b).restock(_id, `${mine}_restock`));
    expect((await a.find(_id))!.stock).toBe(4);
  });

  it('counts a member’s holdings only within the limit', async () => {
    const { _id } = await reward({ perMemberLimit: 2 });
    const userId = new Types.ObjectId();
    const results = fulfilled(await allAtOnce(10, (i) => (i % 2 ? a : b).takeHolding(_id, userId, 2, token())));
    expect(results.filter((r) => r === 'taken')).toHaveLength(2);
    expect(await a.holding(_id, userId)).toBe(2);
    const release = token();
    await allAtOnce(5, () => a.releaseHolding(_id, userId, release));
    expect(await a.holding(_id, userId)).toBe(1);
  });

  it('appends concurrent uploads without losing or repeating a code, and counts them as stock', async () => {
    const { _id } = await reward({ codePool: true, stock: 0 });
    const first = Array.from({ length: 20 }, (_, i) => `A-${i}`);
    const second = [...Array.from({ length: 20 }, (_, i) => `B-${i}`), 'A-3', 'A-4'];
    const [one, two] = await Promise.all([codesA.appendCodes(_id, first), codesB.appendCodes(_id, second)]);
    expect(one.added + two.added).toBe(40);
    expect(one.duplicates + two.duplicates).toBe(2);
    const stored = await a.find(_id);
    expect(stored).toMatchObject({ stock: 40, codes: { end: 40, next: 0 } });
    expect(await codesA.codeCounts(_id)).toEqual({ uploaded: 40, free: 40 });
  });

  it('hands each code to one redemption only, and the same code again to the same redemption', async () => {
    const { _id } = await reward({ codePool: true, stock: 0 });
    await codesA.appendCodes(
      _id,
      Array.from({ length: 12 }, (_, i) => `C-${i}`),
    );
    const ids = Array.from({ length: 20 }, (_, i) => `redemption-${i}`);
    const results = fulfilled(await allAtOnce(20, (i) => (i % 2 ? codesA : codesB).assignCode(_id, ids[i])));
    const codes = results.flatMap((r) => (r ? [r.code] : []));
    expect(codes).toHaveLength(12);
    expect(new Set(codes).size).toBe(12);
    const holder = ids[results.findIndex((r) => r !== null)];
    const again = await codesB.assignCode(_id, holder);
    expect(codes).toContain(again!.code);
    expect(await codesA.codeCounts(_id)).toEqual({ uploaded: 12, free: 0 });
  });

  it('finds a code skipped by a crash (its position taken, the slot never claimed)', async () => {
    const { _id } = await reward({ codePool: true, stock: 0 });
    await codesA.appendCodes(_id, ['S-1', 'S-2']);
    await codesA
      .assignCode(_id, 'crashed-before-claim')
      .then((slot) => codesA.releaseCode(slot!._id, 'crashed-before-claim'));
    const first = await codesA.assignCode(_id, 'r1');
    const second = await codesB.assignCode(_id, 'r2');
    expect(new Set([first!.code, second!.code])).toEqual(new Set(['S-1', 'S-2']));
    expect(await codesA.assignCode(_id, 'r3')).toBeNull();
  });
});
