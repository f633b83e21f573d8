import { Global, Module } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { JwtModule } from '@nestjs/jwt';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { HubConfig } from '../config/hub-config';
import { OrganizationsModule } from '../organizations/organizations.module';
import { ReferralsModule } from '../referrals/referrals.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [HubConfig],
      useFactory: (config: HubConfig) => ({
        // A KeyObject, made once: given the string, jsonwebtoken re-derives a key on every
        // verify (first trying to parse it as a PEM public key), which was a fifth of the CPU of
        // an authenticated request.
        secret: createSecretKey(Buffer.from(config.JWT_SECRET!, 'utf8')), // resolved by createApp
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    UsersModule,
    OrganizationsModule,
    ApiKeysModule,
    ReferralsModule,
  ],
  controllers: [AuthController],
  providers: [AuthService, AuthGuard],
  exports: [AuthService, AuthGuard],
})
export class AuthModule {}
