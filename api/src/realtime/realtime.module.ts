import { Module } from '@nestjs/common';
import { HubGateway } from './hub.gateway';
import { Notifier } from './notifier';

@Module({ providers: [HubGateway, Notifier], exports: [HubGateway] })
export class RealtimeModule {}
