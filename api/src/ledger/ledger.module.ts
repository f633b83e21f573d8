import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { UsersModule } from '../users/users.module';
import { LedgerMaintenanceService } from './ledger-maintenance.service';
import { LedgerController } from './ledger.controller';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';
import { LedgerEntry, LedgerEntrySchema } from './schemas/ledger-entry.schema';
import { Wallet, WalletSchema } from './schemas/wallet.schema';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: LedgerEntry.name, schema: LedgerEntrySchema },
      { name: Wallet.name, schema: WalletSchema },
    ]),
    UsersModule,
  ],
  controllers: [LedgerController],
  providers: [LedgerRepository, LedgerService, LedgerMaintenanceService],
  exports: [LedgerService, LedgerMaintenanceService],
})
export class LedgerModule {}
