import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { UsersModule } from '../users/users.module';
import { MeController } from './me.controller';
import { MeService } from './me.service';

@Module({ imports: [UsersModule, LedgerModule], controllers: [MeController], providers: [MeService] })
export class MeModule {}
