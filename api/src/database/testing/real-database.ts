import Redis from 'ioredis';
import mongoose, { Connection, Model, Schema } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { AtomicWrites } from '../atomic-writes';
import { DatabaseLeaseStore, LeaseStore, RedisLeaseStore } from '../lease';

/**
 * A spec's own database on the embedded FerretDB that the unit global setup started, and the
 * pieces repositories need — built the way DatabaseModule builds them, minus Nest.
 */
export interface RealDatabase {
  connection: Connection;
  redis: Redis;
  model<T>(name: string, schema: Schema): Model<T>;
  /** An AtomicWrites as one hub process has it; call twice for two "instances" sharing the leases. */
  /** Leases in Redis or in the database (as on a stock FerretDB), or none (the server's serialized writes). */
  atomicWrites(leases?: 'redis' | 'database' | 'none'): Promise<AtomicWrites>;
  close(): Promise<void>;
}

// The hub turns this on globally (database.module.ts); the primitives are written for it.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);

export async function realDatabase(): Promise<RealDatabase> {
  const uri = process.env.HUB_UNIT_MONGODB_URI;
  const redisUrl = process.env.HUB_UNIT_REDIS_URL;
  if (!uri || !redisUrl) throw new Error('The unit global setup (real-servers.global-setup.ts) did not run');
  const connection = await mongoose.createConnection(`${uri}/unit_${randomUUID().slice(0, 8)}`).asPromise();
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const prefix = `unit:${randomUUID().slice(0, 8)}:`;
  const models = new Map<string, unknown>();
  return {
    connection,
    redis,
    model<T>(name: string, schema: Schema): Model<T> {
      if (!models.has(name)) models.set(name, connection.model(name, schema));
      return models.get(name) as Model<T>;
    },
    async atomicWrites(leases = 'redis') {
      const store: LeaseStore =
        leases === 'redis'
          ? new RedisLeaseStore(redis, `${prefix}lease:`)
          : new DatabaseLeaseStore(connection.collection('leases') as never);
      const atomic = new AtomicWrites(connection, store, leases !== 'none');
      await atomic.onApplicationBootstrap();
      return atomic;
    },
    async close() {
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
      redis.disconnect();
    },
  };
}

/** Runs `count` calls at once and returns their outcomes (fulfilled value or the error). */
export function allAtOnce<T>(count: number, call: (index: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  return Promise.allSettled(Array.from({ length: count }, (_, index) => call(index)));
}
