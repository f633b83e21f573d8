import { ExecutionContext, SetMetadata } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type Redis from 'ioredis';
import type { HubConfig } from '../config/hub-config';
import { redisScript } from '../database/redis-connection';
import type { Principal } from './roles';

export const RATE_LIMIT_KEY = 'hub:rate-limit';
export type RateLimitBucket = 'login' | 'register';

/** Puts a route in its own, stricter rate-limit bucket. */
export const RateLimit = (bucket: RateLimitBucket) => SetMetadata(RATE_LIMIT_KEY, bucket);

interface TrackedRequest {
  ip: string;
  method: string;
  body?: { email?: unknown };
  principal?: Principal;
}

const MINUTE = 60_000;
const READ_METHODS = ['GET', 'HEAD', 'OPTIONS'];
const bucketOf = (context: ExecutionContext) =>
  Reflect.getMetadata(RATE_LIMIT_KEY, context.getHandler()) as RateLimitBucket | undefined;
const requestOf = (context: ExecutionContext) => context.switchToHttp().getRequest<TrackedRequest>();

/**
 * The library's Redis counters, with its script sent by SHA (EVALSHA; ioredis loads it again if
 * Redis forgot it) instead of in full with every write request, as the library does.
 */
export class RedisRateLimitStorage extends ThrottlerStorageRedisService {
  private readonly script = redisScript(this.redis as Redis, 'hubRateLimit', this.scriptSrc);

  override async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const keys = [`{${key}:${throttlerName}}:hits`, `{${key}:${throttlerName}}:blocked`];
    const result = await this.script(keys, [throttlerName, ttl, limit, blockDuration]);
    if (!Array.isArray(result) || result.some((value) => typeof value !== 'number')) {
      throw new TypeError(`Unexpected rate-limit counters from Redis: ${JSON.stringify(result)}`);
    }
    const [totalHits, timeToExpire, isBlocked, timeToBlockExpire] = result as number[];
    return {
      totalHits,
      timeToExpire: Math.ceil(timeToExpire / 1000),
      isBlocked: isBlocked === 1,
      timeToBlockExpire: Math.ceil(timeToBlockExpire / 1000),
    };
  }
}

/**
 * Logins per address and email (guessing one account's password), registrations per address,
 * and writes per signed-in user. Reads are not limited. With REDIS_URL the counters live in Redis,
 * shared by every instance (otherwise each instance would allow the limit again); without it, in
 * this process.
 */
export function rateLimits(config: HubConfig): ThrottlerModuleOptions {
  return {
    // Auto-pipelined: one request's counter shares its write to Redis with the others of that tick.
    storage: config.REDIS_URL ? new RedisRateLimitStorage(config.REDIS_URL, { enableAutoPipelining: true }) : undefined,
    throttlers: [
      {
        name: 'login',
        ttl: MINUTE,
        limit: config.LOGIN_RATE_LIMIT,
        skipIf: (context) => bucketOf(context) !== 'login',
        getTracker: (request: Record<string, unknown>) => {
          const { ip, body } = request as unknown as TrackedRequest;
          return `${ip}|${typeof body?.email === 'string' ? body.email.toLowerCase() : ''}`;
        },
      },
      {
        name: 'register',
        ttl: MINUTE,
        limit: config.REGISTER_RATE_LIMIT,
        skipIf: (context) => bucketOf(context) !== 'register',
      },
      {
        name: 'write',
        ttl: MINUTE,
        limit: config.WRITE_RATE_LIMIT,
        skipIf: (context) =>
          context.getType() !== 'http' ||
          bucketOf(context) !== undefined ||
          READ_METHODS.includes(requestOf(context).method),
        getTracker: (request: Record<string, unknown>) => {
          const { ip, principal } = request as unknown as TrackedRequest;
          return principal?.id ?? ip;
        },
      },
    ],
  };
}
