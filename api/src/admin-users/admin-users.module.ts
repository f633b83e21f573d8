import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { UsersModule } from '../users/users.module';
import { AdminUsersController } from './admin-users.controller';

/** People in the admin console (search, a member's wallet); above users and the ledger. */
@Module({
  imports: [UsersModule, LedgerModule],
  controllers: [AdminUsersController],
})
export class AdminUsersModule {}
