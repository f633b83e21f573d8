import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
  ServiceUnavailableException,
} from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model, UpdateQuery } from 'mongoose';
import { AsyncLocalStorage } from 'node:async_hooks';
import sift from 'sift';
import { isDuplicateKey } from '../common/database-errors';
import { serializesWrites, slicesPushes } from './ferretdb-installer';
import { slotsBeyondBlindEviction } from './guards';
import type { LeaseStore } from './lease';

export const LEASE_STORE = Symbol('LEASE_STORE');
/** True: take leases on any FerretDB (HUB_WRITE_ISOLATION=leased). */
export const FORCE_LEASES = Symbol('FORCE_LEASES');

/** A lease outlives any single update by far; it only lapses when its owner died holding it. */
export const LEASE_TTL_MS = 30_000;
/** How long a write waits for a document another process is writing before answering 503. */
const WAIT_LIMIT_MS = 10_000;
/** A held lease is handed to this process' next waiter at most this many times, within this long. */
const HANDOFF_LIMIT = 32;
const HANDOFF_MS = 100;

/** One document's writers in this process: who holds the shared lease, and who waits for it. */
interface LeaseTurn {
  token: string | null;
  waiting: Array<() => void>;
  busy: boolean;
  handoffs: number;
  since: number;
}

export interface ConditionalUpdateOptions {
  /** Create the document when none has this `_id` (the filter's other conditions then do not apply). */
  upsert?: boolean;
  /** Which version `doc` is when the update happened (default: before). */
  returnDocument?: 'before' | 'after';
}

/**
 * `changed`: the filter matched (or the upsert created the document) and the update happened;
 * `doc` is then the document before (null when created) or after it. Otherwise nothing changed
 * and `doc` is the document as it is (null when there is none), so the caller can tell why.
 */
export interface ConditionalUpdateResult<T> {
  changed: boolean;
  doc: T | null;
}

/**
 * How the server keeps one document's read-modify-write whole:
 * - `server`: MongoDB applies a conditional update (`{_id, balance: {$gte: 5}}` + `$inc`) atomically.
 * - `serialized`: our FerretDB build (SERIALIZED_WRITES_PATCH) runs the write commands of one
 *   document one at a time, so a conditional update is atomic there too. Builds before hub.6 ignore
 *   `$push`'s `$slice`, so there an update that must be built from the document still reads it
 *   first, under a lease; from hub.6 (PUSH_SLICE_PATCH) it is written in one trip as on MongoDB.
 * - `leased`: any other FerretDB 1.24 reads the document, changes it in Go and writes it back with
 *   no isolation (measured on the release: 200 concurrent `$inc` of 1 left 18; 47 of 50 concurrent
 *   `balance >= 3` debits of 10 succeeded): every write to a document runs under a lease.
 */
export type WriteIsolation = 'server' | 'serialized' | 'leased';

/**
 * Makes a repository's "do X only while Y holds" on ONE document atomic, on every server the hub
 * runs on, and across every hub process that shares the database.
 *
 * Where the server keeps a conditional update whole (MongoDB, our FerretDB build), `updateOne` is
 * that one findAndModify and no lease is taken. On a stock FerretDB every write to a document runs
 * under a lease on `<collection>/<_id>` (in Redis when the hub has one, else a lease document),
 * and a conditional update is the same findAndModify — atomic because no other writer of that
 * document runs meanwhile. An in-process queue in front makes one process ask for a contended
 * lease once per burst, not once per waiting request. (HUB_WRITE_ISOLATION=leased, FORCE_LEASES,
 * takes the leases on our build too: the tests run the lease path end to end that way.)
 *
 * Only repositories call this, with their own model and the document's `_id`: services never see
 * a lock or a key, they call a repository method whose contract is "atomic".
 */
@Injectable()
export class AtomicWrites implements OnApplicationBootstrap {
  private readonly logger = new Logger(AtomicWrites.name);
  private readonly turns = new Map<string, LeaseTurn>();
  /** Keys this async context holds, so a primitive called inside `run` for the same document does not wait on itself. */
  private readonly held = new AsyncLocalStorage<Set<string>>();
  private isolation: WriteIsolation = 'leased';
  /** The server applies every update operator the hub writes (`$push` with `$slice` too): nothing is built from a read. */
  private fullUpdates = false;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(LEASE_STORE) private readonly leases: LeaseStore,
    @Optional() @Inject(FORCE_LEASES) private readonly forceLeases: boolean = false,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const info = await this.connection.db!.admin().command({ buildInfo: 1 });
    const ferretDb = typeof info.ferretdbVersion === 'string' ? info.ferretdbVersion : null;
    this.isolation = ferretDb === null ? 'server' : serializesWrites(ferretDb) ? 'serialized' : 'leased';
    if (ferretDb !== null && this.forceLeases) this.isolation = 'leased';
    this.fullUpdates = this.isolation === 'server' || (this.isolation === 'serialized' && slicesPushes(ferretDb ?? ''));
    if (ferretDb !== null) {
      this.logger.log(
        this.isolation === 'leased'
          ? `FerretDB ${ferretDb}: writes to one document take a lease`
          : `FerretDB ${ferretDb}: conditional updates are atomic on the server (built with serialized writes)`,
      );
    }
  }

  /** Whether writes take leases here (a stock FerretDB) or rely on the server's own atomicity. */
  get usesLeases(): boolean {
    return this.isolation === 'leased';
  }

  /**
   * One conditional update of the document `filter._id` (see the class comment). Given as an
   * object, the update is one round trip on either server. Given as a function, it is built from
   * the document as it is where the server cannot apply the update alone (a stock FerretDB, our
   * builds before hub.6: read first, under the lease); MongoDB and our later builds pass null, so
   * the function must then write an update correct without the read (`$push` with `$slice`).
   */
  async updateOne<T>(
    model: Model<T>,
    filter: Record<string, unknown> & { _id: unknown },
    update: UpdateQuery<T> | ((current: T | null) => UpdateQuery<T>),
    options: ConditionalUpdateOptions = {},
  ): Promise<ConditionalUpdateResult<T>> {
    const returnDocument = options.returnDocument ?? 'before';
    const upsert = options.upsert ?? false;
    if (this.fullUpdates) {
      // MongoDB, or our build from hub.6: a conditional update is atomic and takes every operator.
      const built = typeof update === 'function' ? update(null) : update;
      return this.updateInOneTrip(model, filter, built, upsert, returnDocument);
    }
    if (typeof update !== 'function') {
      return this.run(model, filter._id, () => this.updateInOneTrip(model, filter, update, upsert, returnDocument));
    }
    // Read, built, written: under the lease even where the server serializes single commands, so
    // a collection written this way must be written only this way (the campaign tallies).
    return this.underLeaseFor(model, filter._id, async () => {
      const byId = { _id: filter._id } as never;
      const current = await model.findOne(byId).lean<T>().exec();
      if (current ? !sift(filter as never)(current) : !upsert) return { changed: false, doc: current };
      const written = await model
        .findOneAndUpdate(byId, update(current), { upsert: !current, returnDocument })
        .lean<T>()
        .exec();
      return { changed: true, doc: returnDocument === 'before' ? current : written };
    });
  }

  /**
   * The conditional update as the server's own findAndModify. On FerretDB it runs under the lease
   * and finds the document through the `_id` index whatever else the filter says (our build's
   * ID_WITH_CONDITIONS_PATCH); it then checks the rest of the filter and writes, with no other
   * writer of that document in between.
   */
  private async updateInOneTrip<T>(
    model: Model<T>,
    filter: Record<string, unknown> & { _id: unknown },
    update: UpdateQuery<T>,
    upsert: boolean,
    returnDocument: 'before' | 'after',
  ): Promise<ConditionalUpdateResult<T>> {
    try {
      const result = await model
        .findOneAndUpdate(filter as never, update, { upsert, returnDocument, includeResultMetadata: true })
        .lean<T>()
        .exec();
      const { value, lastErrorObject } = result as unknown as {
        value: T | null;
        lastErrorObject?: { updatedExisting?: boolean; upserted?: unknown };
      };
      if (lastErrorObject?.updatedExisting || lastErrorObject?.upserted !== undefined) {
        await this.dropLapsedGuards(model, filter._id, value);
        return { changed: true, doc: value };
      }
    } catch (error) {
      // An upsert whose filter did not match an existing document tries to insert a second one.
      if (!isDuplicateKey(error)) throw error;
    }
    return {
      changed: false,
      doc: await model
        .findOne({ _id: filter._id } as never)
        .lean<T>()
        .exec(),
    };
  }

  /**
   * An update written without reading its document drops guard slots blindly (a window of them
   * past the retention, see `markApplied`); a document left alone for longer may still hold older
   * ones, seen in the version it came back as. They go here, once, in a second update.
   */
  private async dropLapsedGuards<T>(model: Model<T>, id: unknown, doc: T | null): Promise<void> {
    const unset = slotsBeyondBlindEviction(doc as never);
    if (!Object.keys(unset).length) return;
    await model.updateOne({ _id: id } as never, { $unset: unset }).exec();
  }

  /**
   * Runs a read-modify-write of `model`'s document `id` as its only writer across every hub
   * process (a stock FerretDB, under the lease); where the server keeps single updates whole
   * (MongoDB, our FerretDB build) it takes no lease, so `write` must itself be conditional updates
   * that are each correct alone.
   */
  run<T>(model: { collection: { collectionName: string } }, id: unknown, write: () => Promise<T>): Promise<T> {
    if (this.isolation !== 'leased') return write();
    return this.underLeaseFor(model, id, write);
  }

  private underLeaseFor<T>(model: { collection: { collectionName: string } }, id: unknown, write: () => Promise<T>) {
    const key = `${model.collection.collectionName}/${String(id)}`;
    const held = this.held.getStore();
    if (held?.has(key)) return write();
    return this.held.run(new Set([...(held ?? []), key]), () => this.underLease(key, write));
  }

  /**
   * Writers of one document in this process queue here in arrival order. The first takes the
   * shared lease; while others wait, it is handed on to them (up to HANDOFF_LIMIT writes or
   * HANDOFF_MS) before it is given back, so a burst on one hot document (a wallet, an event's
   * seats, a reward's stock) costs one lease round trip per batch instead of per write, and
   * other processes still get their turn.
   */
  private async underLease<T>(key: string, write: () => Promise<T>): Promise<T> {
    let turn = this.turns.get(key);
    if (!turn) this.turns.set(key, (turn = { token: null, waiting: [], busy: false, handoffs: 0, since: 0 }));
    if (turn.busy) await new Promise<void>((resolve) => turn.waiting.push(resolve));
    turn.busy = true;
    try {
      if (!turn.token) {
        turn.token = await this.acquire(key);
        turn.handoffs = 0;
        turn.since = Date.now();
      }
      return await write();
    } finally {
      const handOn =
        turn.token && turn.waiting.length > 0 && turn.handoffs < HANDOFF_LIMIT && Date.now() - turn.since < HANDOFF_MS;
      if (handOn) turn.handoffs++;
      else if (turn.token) {
        const token = turn.token;
        turn.token = null;
        await this.leases.release(key, token).catch((error: Error) => {
          // It lapses by itself; a release lost to an outage only delays the next writer.
          this.logger.warn(`Could not release lease ${key}: ${error.message}`);
        });
      }
      const next = turn.waiting.shift();
      if (next) next();
      else {
        turn.busy = false;
        if (!turn.token) this.turns.delete(key);
      }
    }
  }

  private async acquire(key: string): Promise<string> {
    const started = Date.now();
    const deadline = started + WAIT_LIMIT_MS;
    let lastLapseCheck = 0;
    for (let pause = 1; ; pause = Math.min(pause * 2, 25)) {
      // Whether the holder died (its lease lapsed) is asked on the first try and then once a second.
      const reclaim = Date.now() - lastLapseCheck >= 1_000;
      if (reclaim) lastLapseCheck = Date.now();
      const token = await this.leases.tryAcquire(key, LEASE_TTL_MS, reclaim);
      if (token) return token;
      if (Date.now() > deadline) throw new ServiceUnavailableException('This record is busy; try again shortly');
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
