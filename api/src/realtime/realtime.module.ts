import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { HubGateway } from './hub.gateway';
import { Notifier } from './notifier';

@Module({ imports: [NotificationsModule], providers: [HubGateway, Notifier], exports: [HubGateway] })
export class RealtimeModule {}
