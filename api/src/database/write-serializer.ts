import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import AsyncLock from 'async-lock';
import type { Connection } from 'mongoose';

/**
 * Serializes read-modify-write updates of one document within this process when the server
 * needs it.
 *
 * FerretDB 1.24 on SQLite applies `$inc` and conditional `findOneAndUpdate` by reading the
 * document, changing it in Go and writing it back, with no isolation between concurrent
 * requests: measured here, 200 concurrent `$inc` of 1 left 18, and 47 of 50 concurrent
 * `balance >= 3` debits of a balance of 10 succeeded. MongoDB applies them atomically, so on
 * MongoDB this is a pass-through. Unique-index inserts are race-safe on both, which is why the
 * ledger's idempotency key, not this lock, is what prevents double awards.
 */
@Injectable()
export class WriteSerializer implements OnApplicationBootstrap {
  private readonly logger = new Logger(WriteSerializer.name);
  private readonly lock = new AsyncLock({ maxPending: 100_000 });
  private serialize = true;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onApplicationBootstrap(): Promise<void> {
    const info = await this.connection.db!.admin().command({ buildInfo: 1 });
    this.serialize = typeof info.ferretdbVersion === 'string';
    if (this.serialize) {
      this.logger.log(`FerretDB ${info.ferretdbVersion}: per-document writes are serialized in-process`);
    }
  }

  /** Runs `write` after any other write queued for the same `key` has finished. */
  run<T>(key: string, write: () => Promise<T>): Promise<T> {
    return this.serialize ? this.lock.acquire(key, write) : write();
  }
}
