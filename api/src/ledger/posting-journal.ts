import type Redis from 'ioredis';
import type { Collection } from 'mongodb';
import type { PostingPlan } from '../common/domain-events';
import { redisScript } from '../database/redis-connection';

export const POSTING_JOURNAL = Symbol('POSTING_JOURNAL');

/**
 * The postings in flight: a plan is written here before anything it describes (a reservation, a
 * debit, the ledger entry) is, and removed once every effect of its entry is applied. What is
 * still here after a crash is what the sweep finishes (the entry exists) or undoes (it never did).
 * It holds only what is in flight, so it stays small whatever the size of the ledger.
 */
export interface PostingJournal {
  /** Records the plan; returns the other plans in flight for the same idempotency key. */
  open(plan: PostingPlan): Promise<PostingPlan[]>;
  /** Replaces a plan (its amount is known once its reservations are taken). */
  update(plan: PostingPlan): Promise<void>;
  close(plan: Pick<PostingPlan, 'entryId' | 'idempotencyKey'>): Promise<void>;
  get(entryId: string): Promise<PostingPlan | null>;
  /** Plans opened before `time` (ms since the epoch), oldest first. */
  openedBefore(time: number, limit: number): Promise<PostingPlan[]>;
}

const OPEN = `
local others = redis.call('SMEMBERS', KEYS[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('EXPIRE', KEYS[3], 604800)
if #others == 0 then return {} end
return redis.call('HMGET', KEYS[1], unpack(others))`;

/**
 * In Redis: a hash of plans by entry id, a sorted set by time, and a set per idempotency key, all
 * under the database's name (one Redis may serve several databases; a sweep must only see its own).
 */
export class RedisPostingJournal implements PostingJournal {
  private readonly plans: string;
  private readonly byTime: string;
  private readonly openScript: ReturnType<typeof redisScript>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'hub:postings',
  ) {
    this.plans = prefix;
    this.byTime = `${prefix}:opened`;
    this.openScript = redisScript(redis, 'hubOpenPosting', OPEN);
  }

  private keySet(idempotencyKey: string): string {
    return `${this.prefix}:key:${idempotencyKey}`;
  }

  async open(plan: PostingPlan): Promise<PostingPlan[]> {
    const others = (await this.openScript(
      [this.plans, this.byTime, this.keySet(plan.idempotencyKey)],
      [plan.entryId, JSON.stringify(plan), String(plan.openedAt)],
    )) as Array<string | null>;
    return others.flatMap((json) => (json ? [JSON.parse(json) as PostingPlan] : []));
  }

  async update(plan: PostingPlan): Promise<void> {
    await this.redis.hset(this.plans, plan.entryId, JSON.stringify(plan));
  }

  async close({ entryId, idempotencyKey }: Pick<PostingPlan, 'entryId' | 'idempotencyKey'>): Promise<void> {
    await this.redis
      .multi()
      .hdel(this.plans, entryId)
      .zrem(this.byTime, entryId)
      .srem(this.keySet(idempotencyKey), entryId)
      .exec();
  }

  async get(entryId: string): Promise<PostingPlan | null> {
    const json = await this.redis.hget(this.plans, entryId);
    return json ? (JSON.parse(json) as PostingPlan) : null;
  }

  async openedBefore(time: number, limit: number): Promise<PostingPlan[]> {
    const ids = await this.redis.zrangebyscore(this.byTime, '-inf', `(${time}`, 'LIMIT', 0, limit);
    if (!ids.length) return [];
    const rows = await this.redis.hmget(this.plans, ...ids);
    const plans: PostingPlan[] = [];
    for (const [index, json] of rows.entries()) {
      if (json) plans.push(JSON.parse(json) as PostingPlan);
      else await this.redis.zrem(this.byTime, ids[index]); // closed between the two reads
    }
    return plans;
  }
}

interface JournalDocument {
  _id: string;
  key: string;
  openedAt: number;
  plan: string;
}

/**
 * In the database, for deployments without Redis: one small document per plan in flight. Its
 * filters other than `_id` scan, which is cheap here because the collection holds only what is
 * in flight.
 */
export class DatabasePostingJournal implements PostingJournal {
  constructor(private readonly journal: Collection<JournalDocument>) {}

  async open(plan: PostingPlan): Promise<PostingPlan[]> {
    const others = await this.journal.find({ key: plan.idempotencyKey }).toArray();
    await this.journal.insertOne({
      _id: plan.entryId,
      key: plan.idempotencyKey,
      openedAt: plan.openedAt,
      plan: JSON.stringify(plan),
    });
    return others.map((row) => JSON.parse(row.plan) as PostingPlan);
  }

  async update(plan: PostingPlan): Promise<void> {
    await this.journal.updateOne({ _id: plan.entryId }, { $set: { plan: JSON.stringify(plan) } });
  }

  async close({ entryId }: Pick<PostingPlan, 'entryId'>): Promise<void> {
    await this.journal.deleteOne({ _id: entryId });
  }

  async get(entryId: string): Promise<PostingPlan | null> {
    const row = await this.journal.findOne({ _id: entryId });
    return row ? (JSON.parse(row.plan) as PostingPlan) : null;
  }

  async openedBefore(time: number, limit: number): Promise<PostingPlan[]> {
    const rows = await this.journal
      .find({ openedAt: { $lt: time } })
      .sort({ openedAt: 1 })
      .limit(limit)
      .toArray();
    return rows.map((row) => JSON.parse(row.plan) as PostingPlan);
  }
}
