import { DynamicModule, Global, Module } from '@nestjs/common';
import { HubConfig } from './hub-config';

/** Makes the validated HubConfig injectable everywhere, by its class. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: HubConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: HubConfig, useValue: config }], exports: [HubConfig] };
  }
}
