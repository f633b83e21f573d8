import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';

type ServerOptions = Parameters<IoAdapter['createIOServer']>[1];

/**
 * socket.io over Redis pub/sub: an event emitted by one API instance reaches sockets connected to
 * any other (a member's room, a board's room).
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly logger = new Logger(RedisIoAdapter.name);
  private redisAdapter?: ReturnType<typeof createAdapter>;
  private clients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly url: string,
  ) {
    super(app);
  }

  /** Both connections must be ready before the subscriber enters subscriber mode. */
  async connect(): Promise<void> {
    const publisher = new Redis(this.url, { lazyConnect: true });
    const subscriber = new Redis(this.url, { lazyConnect: true });
    for (const client of [publisher, subscriber]) {
      client.on('error', (error: Error) => this.logger.error(`Redis: ${error.message}`));
    }
    this.clients = [publisher, subscriber];
    await Promise.all([publisher.connect(), subscriber.connect()]);
    // One adapter for every server Nest creates on this HTTP server.
    this.redisAdapter = createAdapter(publisher, subscriber);
  }

  /** On app.close(): without it the two connections stay open and keep reconnecting while the process exits. */
  override async dispose(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.quit().catch(() => client.disconnect())));
    this.clients = [];
  }

  override createIOServer(port: number, options?: ServerOptions): ReturnType<IoAdapter['createIOServer']> {
    const server = super.createIOServer(port, options) as { adapter: (factory: unknown) => void };
    if (this.redisAdapter) server.adapter(this.redisAdapter);
    return server;
  }
}
