import { Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { BucketIncrement, LeaderboardStore, Standing } from './leaderboard-store';

/** Every board key starts with it. */
export const REDIS_KEY_PREFIX = 'hub:lb:';
const PREFIX = REDIS_KEY_PREFIX;

/**
 * Board totals as Redis sorted sets, one per board and period: ZINCRBY on award, ZREVRANGE for
 * the top N and ZSCORE + ZCOUNT for a rank — O(log n), shared by every API instance.
 * Commands on one connection run in order, so a read after an award sees it.
 */
export class RedisSortedSetStore implements LeaderboardStore, OnApplicationShutdown {
  private readonly logger = new Logger(RedisSortedSetStore.name);
  private readonly redis: Redis;

  constructor(url: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
  }

  private key(board: string, period: string): string {
    return `${PREFIX}${board}|${period}`;
  }

  increment(changes: BucketIncrement[]): void {
    const pipeline = this.redis.pipeline();
    for (const change of changes)
      pipeline.zincrby(this.key(change.board, change.period), change.points, change.subjectId);
    pipeline.exec().catch((error: Error) => this.logger.error('Could not store leaderboard increments', error.stack));
  }

  async top(board: string, period: string, limit: number): Promise<Standing[]> {
    const flat = await this.redis.zrevrange(this.key(board, period), 0, limit - 1, 'WITHSCORES');
    const rows: Standing[] = [];
    for (let i = 0; i < flat.length; i += 2) rows.push({ subjectId: flat[i], points: Number(flat[i + 1]) });
    return rows;
  }

  async standing(board: string, period: string, subjectId: string): Promise<{ rank: number; points: number }> {
    const key = this.key(board, period);
    const score = await this.redis.zscore(key, subjectId);
    const points = score === null ? 0 : Number(score);
    const above = await this.redis.zcount(key, `(${points}`, '+inf');
    return { rank: above + 1, points };
  }

  async replaceAll(buckets: BucketIncrement[]): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
      if (keys.length) await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    for (let i = 0; i < buckets.length; i += 1000) {
      const pipeline = this.redis.pipeline();
      for (const b of buckets.slice(i, i + 1000)) pipeline.zadd(this.key(b.board, b.period), b.points, b.subjectId);
      await pipeline.exec();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
