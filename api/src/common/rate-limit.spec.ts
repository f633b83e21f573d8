import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { RedisRateLimitStorage } from './rate-limit';

/** The rate-limit counters on the unit setup's real Redis. */
describe('RedisRateLimitStorage', () => {
  let storage: RedisRateLimitStorage;

  beforeAll(() => {
    const url = process.env.HUB_UNIT_REDIS_URL;
    if (!url) throw new Error('The unit global setup (real-servers.global-setup.ts) did not run');
    storage = new RedisRateLimitStorage(url);
  });
  afterAll(() => storage.onModuleDestroy());

  it('counts hits, blocks past the limit, and sends the script by its SHA', async () => {
    const redis = storage.redis as Redis;
    const sent: string[] = [];
    const send = redis.sendCommand.bind(redis);
    jest.spyOn(redis, 'sendCommand').mockImplementation((command, stream) => {
      sent.push(command.name);
      return send(command, stream);
    });
    const key = `unit-${randomUUID()}`;
    const records = [];
    for (let i = 0; i < 3; i++) records.push(await storage.increment(key, 60_000, 2, 60_000, 'write'));
    expect(records.map((r) => [r.totalHits, r.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(records[2].timeToBlockExpire).toBe(60);
    expect(records[0].timeToExpire).toBeGreaterThan(0);
    expect(records[0].timeToExpire).toBeLessThanOrEqual(60);
    // The first may load it (EVAL once, when Redis does not know the SHA yet); the rest go by SHA.
    expect(sent.filter((name) => name === 'evalsha').length).toBeGreaterThanOrEqual(2);
    expect(sent.filter((name) => name === 'eval').length).toBeLessThanOrEqual(1);
  });
});
