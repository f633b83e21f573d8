import { ConflictException } from '@nestjs/common';
import { Types } from 'mongoose';
import type { DomainEventBus } from '../common/domain-event-bus';
import type { Principal } from '../common/roles';
import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
import type { LedgerService, NewLedgerEntry } from '../ledger/ledger.service';
import type { RewardCatalogService } from './reward-catalog.service';
import { RedemptionService } from './redemption.service';
import { RedemptionsRepository } from './redemptions.repository';
import { RewardCodesRepository } from './reward-codes.repository';
import { RewardsRepository } from './rewards.repository';
import { Redemption, RedemptionSchema } from './schemas/redemption.schema';
import {
  Reward,
  RewardCode,
  RewardCodeSchema,
  RewardHolding,
  RewardHoldingSchema,
  RewardSchema,
} from './schemas/reward.schema';

/** A ledger that keeps balances in memory: debits only while covered, each key once. */
class FakeLedger {
  balances = new Map<string, number>();
  entries = new Map<string, NewLedgerEntry>();
  /** What `lastKnownBalance` answers (a posting of this process left it). */
  hints = new Map<string, number>();
  lastKnownBalance(userId: string) {
    return this.hints.get(userId);
  }
  wallet(userId: string) {
    return Promise.resolve({ balance: this.balances.get(userId) ?? 0, lifetime: 0, qualifying: 0 });
  }
  async record(entry: NewLedgerEntry) {
    await new Promise((resolve) => setImmediate(resolve));
    const user = entry.userId.toHexString();
    if (this.entries.has(entry.idempotencyKey)) return { duplicate: true };
    const balance = this.balances.get(user) ?? 0;
    if (balance + entry.amount < 0) throw new ConflictException('Insufficient points');
    this.balances.set(user, balance + entry.amount);
    this.entries.set(entry.idempotencyKey, entry);
    return { duplicate: false };
  }
  findByIdempotencyKey(key: string) {
    return Promise.resolve(this.entries.get(key) ?? null);
  }
}

describe('RedemptionService steps and their undo (embedded FerretDB, fake ledger)', () => {
  let db: RealDatabase;
  let rewards: RewardsRepository;
  let codes: RewardCodesRepository;
  let redemptions: RedemptionsRepository;
  let ledger: FakeLedger;
  let service: RedemptionService;
  let current: Reward;
  const published: unknown[] = [];

  beforeAll(async () => {
    db = await realDatabase();
    const atomic = await db.atomicWrites();
    const rewardModel = db.model<Reward>(Reward.name, RewardSchema);
    rewards = new RewardsRepository(
      rewardModel,
      db.model<RewardHolding>(RewardHolding.name, RewardHoldingSchema),
      atomic,
    );
    codes = new RewardCodesRepository(rewardModel, db.model<RewardCode>(RewardCode.name, RewardCodeSchema), atomic);
    redemptions = new RedemptionsRepository(db.model<Redemption>(Redemption.name, RedemptionSchema), atomic);
    ledger = new FakeLedger();
    const catalog = {
      redeemable: async (caller: Principal) => ({
        reward: (await rewards.find(current._id))!,
        member: { _id: new Types.ObjectId(caller.id), organizationId: null, tierKey: 'member' },
      }),
    } as unknown as RewardCatalogService;
    const events = {
      publish: (_name: string, event: unknown) => Promise.resolve(void published.push(event)),
    } as DomainEventBus;
    service = new RedemptionService(redemptions, rewards, codes, catalog, ledger as unknown as LedgerService, events);
  });
  afterAll(() => db.close());

  const member = (balance: number): Principal => {
    const id = new Types.ObjectId().toHexString();
    ledger.balances.set(id, balance);
    return { id, roles: ['member'], organizationId: null, teamId: null };
  };
  const useReward = async (fields: Partial<Reward>) => {
    current = await rewards.create({
      name: 'Lounge passes',
      description: 'd',
      kind: 'experience',
      cost: 100,
      stock: null,
      minTier: null,
      perMemberLimit: null,
      audience: { organizationIds: [], tiers: [], roles: [] },
      active: true,
      codePool: false,
      createdBy: null,
      ...fields,
    });
    return current;
  };

  it('takes the limit, the stock and the points, and commits', async () => {
    const reward = await useReward({ stock: 2, perMemberLimit: 1 });
    const caller = member(150);
    const { redemption, created } = await service.redeem(caller, reward._id.toHexString(), 'k1');
    expect(created).toBe(true);
    expect(redemption.state).toBe('pending');
    expect((await rewards.find(reward._id))!.stock).toBe(1);
    expect(await rewards.holding(reward._id, new Types.ObjectId(caller.id))).toBe(1);
    expect((await ledger.wallet(caller.id)).balance).toBe(50);
  });

  it('gives back the stock and the limit when the points are refused (the balance moved meanwhile)', async () => {
    const reward = await useReward({ stock: 5, perMemberLimit: 3 });
    const caller = member(100);
    // The balance is spent elsewhere after the cheap check: the debit itself refuses.
    const spend = ledger.wallet.bind(ledger);
    ledger.wallet = async (id: string) => {
      const wallet = await spend(id);
      ledger.balances.set(caller.id, 0);
      return wallet;
    };
    await expect(service.redeem(caller, reward._id.toHexString(), 'k2')).rejects.toThrow('Insufficient points');
    ledger.wallet = spend;
    expect((await rewards.find(reward._id))!.stock).toBe(5);
    expect(await rewards.holding(reward._id, new Types.ObjectId(caller.id))).toBe(0);
    const stored = await redemptions.listForUser(new Types.ObjectId(caller.id), 5);
    expect(stored).toEqual([]); // failed ones are not listed
  });

  it('trusts a balance hint that covers the cost without a read, and the debit still refuses a stale one', async () => {
    const reward = await useReward({ stock: 5 });
    const caller = member(30);
    ledger.hints.set(caller.id, 1_000); // stale: the member has 30
    const reads = jest.spyOn(ledger, 'wallet');
    await expect(service.redeem(caller, reward._id.toHexString(), 'stale')).rejects.toThrow('Insufficient points');
    expect(reads).not.toHaveBeenCalled();
    expect((await rewards.find(reward._id))!.stock).toBe(5);
    expect(await redemptions.listForUser(new Types.ObjectId(caller.id), 5)).toEqual([]);
    reads.mockRestore();
  });

  it('reads the wallet when the hint says the cost is not covered (a credit may have come since)', async () => {
    const reward = await useReward({ stock: 5 });
    const caller = member(100);
    ledger.hints.set(caller.id, 10);
    const reads = jest.spyOn(ledger, 'wallet');
    const { redemption } = await service.redeem(caller, reward._id.toHexString(), 'low-hint');
    expect(redemption.state).toBe('pending');
    expect(reads).toHaveBeenCalledWith(caller.id);
    expect(ledger.balances.get(caller.id)).toBe(0);
    reads.mockRestore();
  });

  it('gives back the limit when the stock is out (taken by another member meanwhile)', async () => {
    const reward = await useReward({ stock: 1, perMemberLimit: 2 });
    const callers = [member(500), member(500), member(500)];
    const results = await allAtOnce(3, (i) => service.redeem(callers[i], reward._id.toHexString()));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.map((r) => (r.reason as Error).message)).toEqual(['Out of stock', 'Out of stock']);
    const holdings = await Promise.all(callers.map((c) => rewards.holding(reward._id, new Types.ObjectId(c.id))));
    expect(holdings.sort()).toEqual([0, 0, 1]);
  });

  it('the sweep undoes a run that died after taking the points: a refund, stock and limit back', async () => {
    const reward = await useReward({ stock: 4, perMemberLimit: 1 });
    const caller = member(300);
    // A run that died after its debit: the record, the stock and the limit taken, the points posted.
    const { redemption } = await service.redeem(caller, reward._id.toHexString(), 'k3');
    await db.connection
      .collection('redemptions')
      .updateOne({ _id: redemption._id as never }, { $set: { state: 'reserving', lockedUntil: new Date(0) } });
    const report = await service.sweep(new Date());
    expect(report).toMatchObject({ undone: 1 });
    expect((await rewards.find(reward._id))!.stock).toBe(4);
    expect(await rewards.holding(reward._id, new Types.ObjectId(caller.id))).toBe(0);
    expect((await ledger.wallet(caller.id)).balance).toBe(300);
    expect(ledger.entries.has(`refund:${redemption._id}`)).toBe(true);
    expect(await service.sweep(new Date())).toMatchObject({ undone: 0 });
  });

  it('a code pool’s redemption is fulfilled at once with its code; the sweep finishes one left issuing', async () => {
    const reward = await useReward({ codePool: true, stock: 0, cost: 10 });
    await codes.appendCodes(reward._id, ['P-1', 'P-2']);
    const first = await service.redeem(member(50), reward._id.toHexString());
    expect(first.redemption.state).toBe('fulfilled');
    expect(first.redemption.code).toMatch(/^P-/);
    const second = await service.redeem(member(50), reward._id.toHexString());
    await db.connection
      .collection('redemptions')
      .updateOne(
        { _id: second.redemption._id as never },
        { $set: { state: 'issuing', code: null, codeSlot: null, lockedUntil: new Date(0) } },
      );
    expect(await service.sweep(new Date())).toMatchObject({ issued: 1 });
    const after = (await redemptions.find(second.redemption._id))!;
    expect(after.code).toBe(second.redemption.code); // the code it already held
  });

  it('rejecting refunds and restocks once, whatever the concurrency', async () => {
    const reward = await useReward({ stock: 3 });
    const caller = member(100);
    const { redemption } = await service.redeem(caller, reward._id.toHexString());
    const admin: Principal = {
      id: new Types.ObjectId().toHexString(),
      roles: ['admin'],
      organizationId: null,
      teamId: null,
    };
    const results = await allAtOnce(8, () => service.decide(admin, redemption._id, 'rejected', 'no'));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await ledger.wallet(caller.id)).balance).toBe(100);
    expect((await rewards.find(reward._id))!.stock).toBe(3);
    const settled = (await redemptions.find(redemption._id))!;
    expect(settled).toMatchObject({ state: 'rejected', settled: true });
    await service.settle(settled); // the sweep settling it again changes nothing
    expect((await rewards.find(reward._id))!.stock).toBe(3);
    expect((await ledger.wallet(caller.id)).balance).toBe(100);
  });
});
