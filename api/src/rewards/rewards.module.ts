import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EngineModule } from '../engine/engine.module';
import { LedgerModule } from '../ledger/ledger.module';
import { UsersModule } from '../users/users.module';
import { RedemptionQueriesService } from './redemption-queries.service';
import { RedemptionSweeper } from './redemption-sweeper';
import { RedemptionService } from './redemption.service';
import { RedemptionsController } from './redemptions.controller';
import { RedemptionsRepository } from './redemptions.repository';
import { RewardCatalogService } from './reward-catalog.service';
import { RewardCodesRepository } from './reward-codes.repository';
import { RewardsController } from './rewards.controller';
import { RewardsDemo } from './rewards.demo';
import { RewardsRepository } from './rewards.repository';
import { Redemption, RedemptionSchema } from './schemas/redemption.schema';
import {
  Reward,
  RewardCode,
  RewardCodeSchema,
  RewardHolding,
  RewardHoldingSchema,
  RewardSchema,
} from './schemas/reward.schema';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Reward.name, schema: RewardSchema },
      { name: RewardHolding.name, schema: RewardHoldingSchema },
      { name: RewardCode.name, schema: RewardCodeSchema },
      { name: Redemption.name, schema: RedemptionSchema },
    ]),
    LedgerModule,
    UsersModule,
    EngineModule,
  ],
  controllers: [RewardsController, RedemptionsController],
  providers: [
    RewardsRepository,
    RewardCodesRepository,
    RedemptionsRepository,
    RewardCatalogService,
    RedemptionService,
    RedemptionQueriesService,
    RedemptionSweeper,
    RewardsDemo,
  ],
  exports: [RewardCatalogService, RedemptionService],
})
export class RewardsModule {}
