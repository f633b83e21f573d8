import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { redisScript } from '../database/redis-connection';
import { BucketIncrement, LeaderboardStore, Standing } from './leaderboard-store';

/** Every board key starts with it. */
export const REDIS_KEY_PREFIX = 'hub:lb:';
const PREFIX = REDIS_KEY_PREFIX;
const APPLIED_PREFIX = 'hub:lb-applied:';
/** How long an entry's "applied" mark is kept: longer than any posting stays unfinished. */
const APPLIED_TTL_SECONDS = 3 * 24 * 3600;

// KEYS[1]: the entry's applied mark; KEYS[2..n]: the sorted sets. ARGV[1]: the mark's TTL, then
// (points, member) per sorted set. One script, so the mark and the increments happen together.
const APPLY_ONCE = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
for i = 2, #KEYS do redis.call('ZINCRBY', KEYS[i], ARGV[i * 2 - 2], ARGV[i * 2 - 1]) end
return 1`;

/**
 * Board totals as Redis sorted sets, one per board and period: ZINCRBY on award, ZREVRANGE for
 * the top N and ZSCORE + ZCOUNT for a rank — O(log n), shared by every API instance. An entry's
 * increments and its "applied" mark are one script, so an entry moves the boards exactly once.
 */
export class RedisSortedSetStore implements LeaderboardStore {
  readonly batchesWrites = false;
  private readonly logger = new Logger(RedisSortedSetStore.name);

  private readonly applyOnce: ReturnType<typeof redisScript>;

  constructor(private readonly redis: Redis) {
    this.applyOnce = redisScript(redis, 'hubApplyBoardsOnce', APPLY_ONCE);
  }

  private key(board: string, period: string): string {
    return `${PREFIX}${board}|${period}`;
  }

  async apply(token: string, changes: BucketIncrement[]): Promise<void> {
    if (!changes.length) return;
    const keys = [APPLIED_PREFIX + token, ...changes.map((c) => this.key(c.board, c.period))];
    const args = [String(APPLIED_TTL_SECONDS), ...changes.flatMap((c) => [String(c.points), c.subjectId])];
    await this.applyOnce(keys, args);
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
    this.logger.log(`Boards replaced: ${buckets.length} totals`);
  }
}
