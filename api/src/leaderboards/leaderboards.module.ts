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
    { provide: LEADERBOARD_STORE, useExisting: MongoBucketStore },
  ],
  exports: [LeaderboardsService, LeaderboardRebuildService],
})
export class LeaderboardsModule {}
