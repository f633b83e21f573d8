import { Module } from '@nestjs/common';
import { LeaderboardsModule } from '../leaderboards/leaderboards.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { LeaderboardPublisher } from './leaderboard-publisher';
import { HubGateway } from './hub.gateway';
import { Notifier } from './notifier';

@Module({
  imports: [NotificationsModule, LeaderboardsModule],
  providers: [HubGateway, Notifier, LeaderboardPublisher],
  exports: [HubGateway],
})
export class RealtimeModule {}
