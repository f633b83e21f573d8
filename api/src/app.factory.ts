import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module';
import { resolveJwtSecret } from './auth/jwt-secret';
import { createValidationPipe } from './common/validation';
import type { HubConfig } from './config/hub-config';
import { buildOpenApiDocument } from './openapi';
import { RedisIoAdapter } from './realtime/redis-io.adapter';
import { serveClient } from './spa/serve-client';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export interface CreateAppOptions {
  /** Build the module graph without connecting anywhere (OpenAPI generation). */
  preview?: boolean;
}

/** The one way the hub is assembled: by main, by the CLI, and for the OpenAPI document. */
export async function createApp(
  config: HubConfig,
  mongoUri: string,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  config.JWT_SECRET = options.preview
    ? 'preview-only-secret-preview-only-secret'
    : resolveJwtSecret(config.JWT_SECRET, config.HUB_DATA_DIR);
  const adapter = new FastifyAdapter({
    bodyLimit: 256 * 1024,
    genReqId: () => randomUUID(),
    routerOptions: { maxParamLength: 200 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, mongoUri), adapter, {
    logger: LEVELS.slice(0, LEVELS.indexOf(config.LOG_LEVEL) + 1),
    preview: options.preview,
    abortOnError: false,
  });
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());
  if (config.REDIS_URL && !options.preview) {
    const adapter = new RedisIoAdapter(app, config.REDIS_URL);
    await adapter.connect();
    app.useWebSocketAdapter(adapter);
  } else {
    app.useWebSocketAdapter(new IoAdapter(app));
  }
  if (options.preview) return app;

  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
  if (!(await serveClient(app, config.HUB_CLIENT_DIR))) {
    new Logger('Client').warn(`No client build in ${config.HUB_CLIENT_DIR}; serving the API only`);
  }
  return app;
}
