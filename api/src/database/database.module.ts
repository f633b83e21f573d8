import { DynamicModule, Global, Module } from '@nestjs/common';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import mongoose, { Connection } from 'mongoose';
import { HubConfig } from '../config/hub-config';
import { AtomicWrites, FORCE_LEASES, LEASE_STORE } from './atomic-writes';
import { IndexesReady } from './indexes-ready';
import { DatabaseLeaseStore, RedisLeaseStore } from './lease';
import { connectRedis, HUB_REDIS, RedisConnectionCloser } from './redis-connection';

// Turns `{ email: { $gt: '' } }` into a literal match everywhere, as a second line behind the
// request guard that already refuses such keys.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);
// While the database is unreachable, an operation fails after the driver's server selection
// (SERVER_SELECTION_MS) and the request answers 503, instead of waiting in mongoose's buffer.
mongoose.set('bufferCommands', false);

/** How long an operation waits for an unreachable database before it fails (then: 503). */
export const SERVER_SELECTION_MS = 2_000;

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(uri: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        MongooseModule.forRoot(uri, {
          maxPoolSize: 50,
          serverSelectionTimeoutMS: SERVER_SELECTION_MS,
          autoIndex: true,
        }),
      ],
      providers: [
        {
          provide: HUB_REDIS,
          inject: [HubConfig],
          useFactory: (config: HubConfig) => (config.REDIS_URL ? connectRedis(config.REDIS_URL) : null),
        },
        {
          // Leases live in Redis when the hub has one (every instance of a deployment shares it),
          // else in the database itself.
          provide: LEASE_STORE,
          inject: [HUB_REDIS, getConnectionToken()],
          useFactory: (redis: Redis | null, connection: Connection) =>
            redis
              ? new RedisLeaseStore(redis, `hub:${connection.name}:lease:`)
              : new DatabaseLeaseStore(connection.collection('leases') as never),
        },
        {
          provide: FORCE_LEASES,
          inject: [HubConfig],
          useFactory: (config: HubConfig) => config.HUB_WRITE_ISOLATION === 'leased',
        },
        RedisConnectionCloser,
        AtomicWrites,
        IndexesReady,
      ],
      exports: [AtomicWrites, HUB_REDIS, LEASE_STORE],
    };
  }
}
