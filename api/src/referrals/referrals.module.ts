import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EngineModule } from '../engine/engine.module';
import { UsersModule } from '../users/users.module';
import { ReferralsController } from './referrals.controller';
import { ReferralsDemo } from './referrals.demo';
import { ReferralsRepository } from './referrals.repository';
import { ReferralsService } from './referrals.service';
import {
  Referral,
  ReferralCode,
  ReferralCodeSchema,
  Referrer,
  ReferrerSchema,
  ReferralSchema,
} from './schemas/referral.schema';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ReferralCode.name, schema: ReferralCodeSchema },
      { name: Referrer.name, schema: ReferrerSchema },
      { name: Referral.name, schema: ReferralSchema },
    ]),
    EngineModule,
    UsersModule,
  ],
  controllers: [ReferralsController],
  providers: [ReferralsRepository, ReferralsService, ReferralsDemo],
  exports: [ReferralsService],
})
export class ReferralsModule {}
