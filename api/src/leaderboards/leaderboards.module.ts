import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EngineModule } from '../engine/engine.module';
import { LedgerModule } from '../ledger/ledger.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { LeaderboardRebuildService } from './leaderboard-rebuild.service';
import { LEADERBOARD_STORE } from './leaderboard-store';
import { LeaderboardsController } from './leaderboards.controller';
import { LeaderboardsService } from './leaderboards.service';
import { MongoBucketStore } from './mongo-bucket.store';
import { RedisSortedSetStore } from './redis-sorted-set.store';
import type Redis from 'ioredis';
import { HUB_REDIS } from '../database/redis-connection';
import {
  LeaderboardBatch,
  LeaderboardBatchSchema,
  LeaderboardBucket,
  LeaderboardBucketSchema,
} from './schemas/leaderboard-bucket.schema';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: LeaderboardBucket.name, schema: LeaderboardBucketSchema },
      { name: LeaderboardBatch.name, schema: LeaderboardBatchSchema },
    ]),
    EngineModule,
    UsersModule,
    OrganizationsModule,
    LedgerModule,
  ],
  controllers: [LeaderboardsController],
  providers: [
    LeaderboardsService,
    LeaderboardRebuildService,
    MongoBucketStore,
    {
      // Redis sorted sets with Redis (the default); MongoDB buckets for MongoDB-only deployments.
      provide: LEADERBOARD_STORE,
      inject: [HUB_REDIS, MongoBucketStore],
      useFactory: (redis: Redis | null, buckets: MongoBucketStore) =>
        redis ? new RedisSortedSetStore(redis) : buckets,
    },
  ],
  exports: [LeaderboardsService, LeaderboardRebuildService],
})
export class LeaderboardsModule {}
