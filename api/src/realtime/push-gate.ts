import { Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';

export const PUSH_GATE = Symbol('PUSH_GATE');

/**
 * Per room (one board and period): when the next `leaderboard.updated` may go out, and what its
 * subscribers saw last. With several instances each one schedules pushes for the awards it
 * handles, so this state must be shared, or every instance would push once a second.
 */
export interface PushGate {
  /** 0 when this instance may push now (the window is then taken), else the ms until it may. */
  claim(room: string): Promise<number>;
  /** Records `items` as what the room sees now; true when that differs from what it saw before. */
  swap(room: string, items: string): Promise<boolean>;
  /** Records what a new subscriber sees (`load` fetches it), unless the room already has a view. */
  remember(room: string, load: () => Promise<string>): Promise<void>;
  /** The room has no subscribers left. */
  forget(room: string): Promise<void>;
}

/** One process: the state in memory. */
export class LocalPushGate implements PushGate {
  private readonly rooms = new Map<string, { windowEnds: number; items?: string }>();

  constructor(private readonly windowMs: number) {}

  claim(room: string): Promise<number> {
    const now = Date.now();
    const state = this.rooms.get(room);
    const wait = (state?.windowEnds ?? 0) - now;
    if (wait > 0) return Promise.resolve(wait);
    this.rooms.set(room, { ...state, windowEnds: now + this.windowMs });
    return Promise.resolve(0);
  }

  swap(room: string, items: string): Promise<boolean> {
    const state = this.rooms.get(room) ?? { windowEnds: 0 };
    const changed = state.items !== items;
    this.rooms.set(room, { ...state, items });
    return Promise.resolve(changed);
  }

  async remember(room: string, load: () => Promise<string>): Promise<void> {
    if (this.rooms.get(room)?.items !== undefined) return;
    const items = await load();
    const state = this.rooms.get(room);
    if (state?.items === undefined) this.rooms.set(room, { windowEnds: state?.windowEnds ?? 0, items });
  }

  forget(room: string): Promise<void> {
    this.rooms.delete(room);
    return Promise.resolve();
  }
}

/** Rooms' last view is kept this long after its last change (a board nobody watches any more). */
const VIEW_TTL_SECONDS = 24 * 3600;

/** Several instances: the window is a `SET NX PX` key, the last view a `SET … GET` swap. */
export class RedisPushGate implements PushGate, OnApplicationShutdown {
  private readonly logger = new Logger(RedisPushGate.name);
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly windowMs: number,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 3 });
    this.redis.on('error', (error: Error) => this.logger.error(`Redis: ${error.message}`));
  }

  async claim(room: string): Promise<number> {
    const key = `hub:push:${room}:window`;
    if ((await this.redis.set(key, '1', 'PX', this.windowMs, 'NX')) === 'OK') return 0;
    return Math.max(1, await this.redis.pttl(key)); // -2 if it expired in between: try again at once
  }

  async swap(room: string, items: string): Promise<boolean> {
    const previous = await this.redis.set(`hub:push:${room}:items`, items, 'EX', VIEW_TTL_SECONDS, 'GET');
    return previous !== items;
  }

  async remember(room: string, load: () => Promise<string>): Promise<void> {
    const key = `hub:push:${room}:items`;
    if (await this.redis.exists(key)) return;
    await this.redis.set(key, await load(), 'EX', VIEW_TTL_SECONDS, 'NX');
  }

  async forget(room: string): Promise<void> {
    await this.redis.del(`hub:push:${room}:items`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
