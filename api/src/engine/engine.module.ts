import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { JobRunsModule } from '../job-runs/job-runs.module';
import { LedgerModule } from '../ledger/ledger.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { ActivitiesService } from './activities.service';
import { EngineController } from './engine.controller';
import { EngineCounters } from './engine-counters';
import { EngineRepository } from './engine.repository';
import { JobsController } from './jobs.controller';
import { JobsService } from './jobs.service';
import { MemberCache } from './member-cache';
import { MemberProgressService } from './member-progress.service';
import {
  Counter,
  CounterSchema,
  Mark,
  MarkSchema,
  MemberBadge,
  MemberBadgeSchema,
} from './schemas/engine-state.schema';
import { TiersService } from './tiers.service';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Counter.name, schema: CounterSchema },
      { name: Mark.name, schema: MarkSchema },
      { name: MemberBadge.name, schema: MemberBadgeSchema },
    ]),
    LedgerModule,
    JobRunsModule,
    UsersModule,
    OrganizationsModule,
  ],
  controllers: [EngineController, JobsController],
  providers: [
    EngineRepository,
    EngineCounters,
    ActivitiesService,
    MemberProgressService,
    TiersService,
    JobsService,
    MemberCache,
  ],
  exports: [ActivitiesService, EngineCounters, MemberProgressService, MemberCache, JobsService],
})
export class EngineModule {}
