import { Module } from '@nestjs/common';
import { HubConfig } from '../config/hub-config';
import { LeaderboardsModule } from '../leaderboards/leaderboards.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { LeaderboardPublisher, PUSH_WINDOW_MS } from './leaderboard-publisher';
import { LocalPushGate, PUSH_GATE, RedisPushGate } from './push-gate';
import { HubGateway } from './hub.gateway';
import { Notifier } from './notifier';

@Module({
  imports: [NotificationsModule, LeaderboardsModule],
  providers: [
    HubGateway,
    Notifier,
    LeaderboardPublisher,
    {
      // Shared through Redis when several instances push to the same boards.
      provide: PUSH_GATE,
      inject: [HubConfig],
      useFactory: (config: HubConfig) =>
        config.REDIS_URL ? new RedisPushGate(config.REDIS_URL, PUSH_WINDOW_MS) : new LocalPushGate(PUSH_WINDOW_MS),
    },
  ],
  exports: [HubGateway],
})
export class RealtimeModule {}
