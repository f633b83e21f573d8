import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AdminUsersModule } from './admin-users/admin-users.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuthGuard } from './auth/auth.guard';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { OperatorKeysGuard } from './common/operator-keys.guard';
import { rateLimits } from './common/rate-limit';
import { ConfigModule } from './config/config.module';
import { HubConfig } from './config/hub-config';
import { ContentModule } from './content/content.module';
import { DatabaseModule } from './database/database.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { ChallengesModule } from './challenges/challenges.module';
import { CoursesModule } from './courses/courses.module';
import { DemoModule } from './demo/demo.module';
import { EngineModule } from './engine/engine.module';
import { EventsModule } from './events/events.module';
import { NotificationsModule } from './notifications/notifications.module';
import { HealthController } from './health/health.controller';
import { LeaderboardsModule } from './leaderboards/leaderboards.module';
import { LedgerModule } from './ledger/ledger.module';
import { MeModule } from './me/me.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { RealtimeModule } from './realtime/realtime.module';
import { ReferralsModule } from './referrals/referrals.module';
import { RewardsModule } from './rewards/rewards.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(config: HubConfig, mongoUri: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(mongoUri),
        EventEmitterModule.forRoot(),
        ThrottlerModule.forRoot(rateLimits(config)),
        CommonModule,
        ContentModule,
        UsersModule,
        OrganizationsModule,
        AuthModule,
        LedgerModule,
        MeModule,
        ApiKeysModule,
        RealtimeModule,
        DemoModule,
        EngineModule,
        ChallengesModule,
        EventsModule,
        LeaderboardsModule,
        NotificationsModule,
        CampaignsModule,
        RewardsModule,
        ReferralsModule,
        CoursesModule,
        AdminUsersModule,
        AnalyticsModule,
      ],
      controllers: [HealthController],
      providers: [
        // Order matters: refuse operator keys, then authenticate, then count against rate limits.
        { provide: APP_GUARD, useClass: OperatorKeysGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    };
  }
}
