import { Module } from '@nestjs/common';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import type { Connection } from 'mongoose';
import { HUB_REDIS } from '../database/redis-connection';
import { JobRunsModule } from '../job-runs/job-runs.module';
import { UsersModule } from '../users/users.module';
import { LedgerMaintenanceService } from './ledger-maintenance.service';
import { LedgerController } from './ledger.controller';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';
import { DatabasePostingJournal, POSTING_JOURNAL, RedisPostingJournal } from './posting-journal';
import { PostingSweeper } from './posting-sweeper';
import { LedgerEntry, LedgerEntrySchema } from './schemas/ledger-entry.schema';
import { Wallet, WalletSchema } from './schemas/wallet.schema';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: LedgerEntry.name, schema: LedgerEntrySchema },
      { name: Wallet.name, schema: WalletSchema },
    ]),
    UsersModule,
    JobRunsModule,
  ],
  controllers: [LedgerController],
  providers: [
    LedgerRepository,
    LedgerService,
    LedgerMaintenanceService,
    PostingSweeper,
    {
      // In Redis with the hub's other shared state; in the database without Redis.
      provide: POSTING_JOURNAL,
      inject: [HUB_REDIS, getConnectionToken()],
      useFactory: (redis: Redis | null, connection: Connection) =>
        redis
          ? new RedisPostingJournal(redis, `hub:${connection.name}:postings`)
          : new DatabasePostingJournal(connection.collection('ledger_postings') as never),
    },
  ],
  exports: [LedgerService, LedgerMaintenanceService],
})
export class LedgerModule {}
