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
import { HubConfig } from '../config/hub-config';
import { LeaderboardBucket, LeaderboardBucketSchema } from './schemas/leaderboard-bucket.schema';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: LeaderboardBucket.name, schema: LeaderboardBucketSchema }]),
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
      // Redis sorted sets when REDIS_URL is set (several instances share them); MongoDB buckets otherwise.
      provide: LEADERBOARD_STORE,
      inject: [HubConfig, MongoBucketStore],
      useFactory: (config: HubConfig, buckets: MongoBucketStore) =>
        config.REDIS_URL ? new RedisSortedSetStore(config.REDIS_URL) : buckets,
    },
  ],
  exports: [LeaderboardsService, LeaderboardRebuildService],
})
export class LeaderboardsModule {}
