import { DatabaseLeaseStore, LeaseStore, RedisLeaseStore } from './lease';
import { RealDatabase, realDatabase } from './testing/real-database';

describe.each([
  ['Redis', (db: RealDatabase): LeaseStore => new RedisLeaseStore(db.redis, `spec:${Date.now()}:`)],
  [
    'a lease document',
    (db: RealDatabase): LeaseStore => new DatabaseLeaseStore(db.connection.collection('leases') as never),
  ],
])('leases in %s', (_, makeStore) => {
  let db: RealDatabase;
  let leases: LeaseStore;

  beforeAll(async () => {
    db = await realDatabase();
    leases = makeStore(db);
  });
  afterAll(() => db.close());

  it('is taken by one contender at a time, and free again once released', async () => {
    const contenders = await Promise.all(Array.from({ length: 20 }, () => leases.tryAcquire('wallets/a', 10_000)));
    const winners = contenders.filter((token): token is string => token !== null);
    expect(winners).toHaveLength(1);
    expect(await leases.tryAcquire('wallets/a', 10_000)).toBeNull();
    expect(await leases.release('wallets/a', winners[0])).toBe(true);
    expect(await leases.tryAcquire('wallets/a', 10_000)).not.toBeNull();
  });

  it('is released only by its owner', async () => {
    const token = (await leases.tryAcquire('wallets/b', 10_000))!;
    expect(await leases.release('wallets/b', 'not-the-owner')).toBe(false);
    expect(await leases.tryAcquire('wallets/b', 10_000)).toBeNull(); // still held
    expect(await leases.release('wallets/b', token)).toBe(true);
    expect(await leases.release('wallets/b', token)).toBe(false); // once
  });

  it('lapses when its owner dies holding it, and then only one contender takes it over', async () => {
    const dead = (await leases.tryAcquire('wallets/c', 200))!;
    expect(await leases.tryAcquire('wallets/c', 10_000)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const takeovers = await Promise.all(Array.from({ length: 10 }, () => leases.tryAcquire('wallets/c', 10_000)));
    expect(takeovers.filter((token) => token !== null)).toHaveLength(1);
    expect(await leases.release('wallets/c', dead)).toBe(false); // the dead owner cannot free the new one
  });

  it('keys are independent', async () => {
    const one = await leases.tryAcquire('wallets/d', 10_000);
    const other = await leases.tryAcquire('wallets/e', 10_000);
    expect(one).not.toBeNull();
    expect(other).not.toBeNull();
  });
});
