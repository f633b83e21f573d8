import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { EngineModule } from '../engine/engine.module';
import { LedgerModule } from '../ledger/ledger.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { AnalyticsDemo } from './analytics.demo';
import { AnalyticsExportService } from './analytics-export.service';
import { AnalyticsRebuildService } from './analytics-rebuild.service';
import { AnalyticsRollupsService } from './analytics-rollups.service';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsRepository } from './analytics.repository';
import { AnalyticsService } from './analytics.service';
import { RollupWriter } from './rollup-writer';
import {
  AnalyticsBatch,
  AnalyticsBatchSchema,
  AnalyticsMember,
  AnalyticsMemberSchema,
  AnalyticsRollup,
  AnalyticsRollupSchema,
} from './schemas/analytics.schema';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: AnalyticsRollup.name, schema: AnalyticsRollupSchema },
      { name: AnalyticsBatch.name, schema: AnalyticsBatchSchema },
      { name: AnalyticsMember.name, schema: AnalyticsMemberSchema },
    ]),
    LedgerModule,
    EngineModule,
    CampaignsModule,
    OrganizationsModule,
    UsersModule,
  ],
  controllers: [AnalyticsController],
  providers: [
    AnalyticsRepository,
    RollupWriter,
    AnalyticsRollupsService,
    AnalyticsService,
    AnalyticsExportService,
    AnalyticsRebuildService,
    AnalyticsDemo,
  ],
  exports: [AnalyticsService, AnalyticsRebuildService],
})
export class AnalyticsModule {}
