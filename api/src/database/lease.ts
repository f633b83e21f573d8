import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { Collection } from 'mongodb';
import { redisScript } from './redis-connection';

/**
 * A lease: the right, for a short time, to be the only writer of one document across every hub
 * process that shares the database. Taken before a read-modify-write on a server that does not
 * make those atomic (FerretDB); released by its owner, or lapsing after its time-to-live when the
 * owner died holding it.
 */
export interface LeaseStore {
  /**
   * Takes the lease when it is free (or, with `reclaimLapsed`, lapsed); the owner's token, or null
   * while another holds it. A lease can only lapse when its owner died holding it, so a waiter
   * asks for that now and then, not on every try.
   */
  tryAcquire(key: string, ttlMs: number, reclaimLapsed?: boolean): Promise<string | null>;
  /** Gives the lease back, only if `token` still holds it. True when released. */
  release(key: string, token: string): Promise<boolean>;
}

const RELEASE_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/** Leases as Redis keys: `SET NX PX` to take one, a compare-and-delete script to give it back. */
export class RedisLeaseStore implements LeaseStore {
  private readonly releaseIfOwner: ReturnType<typeof redisScript>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'hub:lease:',
  ) {
    this.releaseIfOwner = redisScript(redis, 'hubReleaseLease', RELEASE_IF_OWNER);
  }

  async tryAcquire(key: string, ttlMs: number): Promise<string | null> {
    const token = randomUUID();
    const taken = await this.redis.set(this.prefix + key, token, 'PX', ttlMs, 'NX');
    return taken === 'OK' ? token : null;
  }

  async release(key: string, token: string): Promise<boolean> {
    return (await this.releaseIfOwner([this.prefix + key], [token])) === 1;
  }
}

interface LeaseDocument {
  _id: string;
  token: string;
  expiresAt: Date;
}

/**
 * Leases as documents keyed by `_id`, for deployments without Redis. An insert with a unique
 * `_id` is atomic even on FerretDB, so taking a free lease is one insert and giving it back one
 * delete by `_id` and token.
 *
 * A lapsed lease (its owner died) is the hard part: a delete that checks the expiry is itself a
 * read-then-write on FerretDB, so two contenders could both see the old lease and one could
 * delete the lease the other has just taken. So clearing a lapsed lease first takes a one-off
 * "clearing" mark for that lease's token (another unique insert): only the contender holding the
 * mark deletes it. Marks are tiny and kept for a while (see `purgeClearingMarks`) so that a
 * contender that read the old lease late cannot take a second mark for it.
 */
export class DatabaseLeaseStore implements LeaseStore {
  constructor(private readonly leases: Collection<LeaseDocument>) {}

  async tryAcquire(key: string, ttlMs: number, reclaimLapsed = true): Promise<string | null> {
    const token = randomUUID();
    if (await this.insert(key, token, ttlMs)) return token;
    if (!reclaimLapsed) return null;
    const current = await this.leases.findOne({ _id: key });
    if (!current) return (await this.insert(key, token, ttlMs)) ? token : null;
    if (current.expiresAt.getTime() > Date.now()) return null;
    if (!(await this.insert(`${key}|clearing|${current.token}`, token, 10 * 60_000))) return null;
    await this.leases.deleteOne({ _id: key, token: current.token });
    return (await this.insert(key, token, ttlMs)) ? token : null;
  }

  async release(key: string, token: string): Promise<boolean> {
    return (await this.leases.deleteOne({ _id: key, token })).deletedCount === 1;
  }

  /** Drops clearing marks whose time is over (they only guard the moment a lapsed lease is cleared). */
  async purgeClearingMarks(): Promise<number> {
    const stale = await this.leases
      .find({ expiresAt: { $lt: new Date() } })
      .project<{ _id: string }>({ _id: 1 })
      .toArray();
    let purged = 0;
    for (const { _id } of stale.filter((row) => row._id.includes('|clearing|'))) {
      purged += (await this.leases.deleteOne({ _id })).deletedCount;
    }
    return purged;
  }

  private async insert(id: string, token: string, ttlMs: number): Promise<boolean> {
    try {
      await this.leases.insertOne({ _id: id, token, expiresAt: new Date(Date.now() + ttlMs) });
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === 11000) return false;
      throw error;
    }
  }
}
