import { Module } from '@nestjs/common';
import { ChallengesModule } from '../challenges/challenges.module';
import { LedgerModule } from '../ledger/ledger.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { DemoDataService } from './demo-data.service';

@Module({
  imports: [OrganizationsModule, UsersModule, LedgerModule, ChallengesModule],
  providers: [DemoDataService],
  exports: [DemoDataService],
})
export class DemoModule {}
