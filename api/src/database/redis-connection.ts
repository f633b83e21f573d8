import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import Redis from 'ioredis';

/** The hub's shared Redis connection (null without Redis: `REDIS_URL=none`). */
export const HUB_REDIS = Symbol('HUB_REDIS');

/**
 * A connection that fails fast: a command that cannot be sent within two seconds (Redis down)
 * rejects, so a request answers 503 instead of waiting for a reconnect that may not come.
 */
export function connectRedis(url: string): Redis {
  // Auto-pipelining sends the commands of one tick (many requests' lease, journal and board
  // commands) in one write: fewer system calls on both sides, same order.
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    commandTimeout: 2_000,
    enableOfflineQueue: true,
    enableAutoPipelining: true,
  });
}

/**
 * A Lua script as a command of `redis`: sent by its SHA (EVALSHA) once Redis knows it, instead of
 * its whole text on every call. Returns a caller taking the keys and the arguments.
 */
export function redisScript(redis: Redis, name: string, lua: string) {
  if (!(name in redis)) redis.defineCommand(name, { lua });
  const command = (redis as unknown as Record<string, (...args: Array<string | number>) => Promise<unknown>>)[name];
  return (keys: string[], args: Array<string | number>) => command.call(redis, keys.length, ...keys, ...args);
}

/** Closes the shared connection when the hub stops. */
@Injectable()
export class RedisConnectionCloser implements OnApplicationShutdown {
  constructor(@Optional() @Inject(HUB_REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
