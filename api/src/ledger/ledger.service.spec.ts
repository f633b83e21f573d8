import { EventEmitter2 } from '@nestjs/event-emitter';
import { Types } from 'mongoose';
import { DomainEventBus } from '../common/domain-event-bus';
import type { LedgerAbandonedEvent, LedgerRecordedEvent, PostingPlan } from '../common/domain-events';
import type { ContentService } from '../content/content.service';
import { RealDatabase, realDatabase } from '../database/testing/real-database';
import type { UsersService } from '../users/users.service';
import { LedgerRepository } from './ledger.repository';
import { LedgerService, NewLedgerEntry } from './ledger.service';
import { DatabasePostingJournal, PostingJournal, RedisPostingJournal } from './posting-journal';
import { LedgerEntry, LedgerEntrySchema } from './schemas/ledger-entry.schema';
import { Wallet, WalletSchema } from './schemas/wallet.schema';

/** What a database outage looks like to the driver (the hub answers 503 and leaves the work). */
const outage = () => Object.assign(new Error('connection refused'), { name: 'MongoNetworkError' });

describe.each([
  ['Redis', (db: RealDatabase): PostingJournal => new RedisPostingJournal(db.redis)],
  [
    'the database',
    (db: RealDatabase): PostingJournal =>
      new DatabasePostingJournal(db.connection.collection('ledger_postings') as never),
  ],
])('an entry finishes, or is finished later (journal in %s)', (_, makeJournal) => {
  let db: RealDatabase;
  let repository: LedgerRepository;
  let journal: PostingJournal;
  let ledger: LedgerService;
  const effects: LedgerRecordedEvent[] = [];
  const abandoned: LedgerAbandonedEvent[] = [];
  let failNextEffect = false;
  let deferFailureNext = false;

  beforeAll(async () => {
    db = await realDatabase();
    const entries = db.model<LedgerEntry>(LedgerEntry.name, LedgerEntrySchema);
    const wallets = db.model<Wallet>(Wallet.name, WalletSchema);
    repository = new LedgerRepository(entries, wallets, await db.atomicWrites());
    journal = makeJournal(db);
    const emitter = new EventEmitter2();
    // An effect listener as the engine's are: it may fail (outage) and must be safe to replay.
    // emitAsync awaits the promise a listener returns (as Nest's @OnEvent listeners do).
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    emitter.on('ledger.recorded', (event: LedgerRecordedEvent) => {
      effects.push(event);
      if (deferFailureNext) {
        // A batching store's increment fails while the other listeners are still at work.
        deferFailureNext = false;
        event.defer(Promise.reject(outage()));
        return new Promise((done) => setTimeout(done, 30));
      }
      if (!failNextEffect) return Promise.resolve();
      failNextEffect = false;
      return Promise.reject(outage());
    });
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    emitter.on('ledger.abandoned', (event: LedgerAbandonedEvent) => Promise.resolve(void abandoned.push(event)));
    const content = { qualificationWindowMonths: () => 12 } as unknown as ContentService;
    ledger = new LedgerService(repository, journal, new DomainEventBus(emitter), content, {} as UsersService);
  });
  afterAll(() => db.close());
  beforeEach(() => {
    effects.length = 0;
    abandoned.length = 0;
  });

  const earn = (userId: Types.ObjectId, amount: number, key: string): NewLedgerEntry => ({
    userId,
    organizationId: null,
    amount,
    kind: 'earn',
    reason: 'spec',
    source: { type: 'spec', id: null },
    idempotencyKey: key,
  });
  /** What a process that died right after the commit leaves: the plan and the entry, nothing applied. */
  async function crashAfterCommit(plan: PostingPlan): Promise<void> {
    expect(await ledger.open(plan)).toBeNull();
    await repository.insertEntry({
      _id: new Types.ObjectId(plan.entryId),
      userId: new Types.ObjectId(plan.userId),
      organizationId: null,
      amount: plan.amount,
      kind: plan.kind,
      reason: plan.reason,
      source: plan.source,
      idempotencyKey: plan.idempotencyKey,
      occurredAt: new Date(plan.occurredAt),
    });
  }

  it('remembers the balance each posting left, as a hint for the next cheap refusal', async () => {
    const userId = new Types.ObjectId();
    expect(ledger.lastKnownBalance(userId.toHexString())).toBeUndefined();
    await ledger.record(earn(userId, 70, 'hint-earn'));
    expect(ledger.lastKnownBalance(userId.toHexString())).toBe(70);
    await ledger.record({ ...earn(userId, -25, 'hint-spend'), kind: 'redeem' });
    expect(ledger.lastKnownBalance(userId.toHexString())).toBe(45);
  });

  it('a retry with the same key applies the wallet of an entry committed just before a crash, once', async () => {
    const userId = new Types.ObjectId();
    await crashAfterCommit(ledger.plan(earn(userId, 40, 'crash-1')));
    expect(await repository.getWallet(userId)).toEqual({ balance: 0, lifetime: 0, qualifying: 0 });

    const retry = await ledger.record(earn(userId, 40, 'crash-1'));
    expect(retry.duplicate).toBe(true);
    expect(retry.wallet.balance).toBe(40);
    expect(effects.map((e) => e.redo)).toEqual([true]);
    const again = await ledger.record(earn(userId, 40, 'crash-1'));
    expect(again.duplicate).toBe(true);
    expect((await repository.getWallet(userId)).balance).toBe(40);
  });

  it('an effect that failed (database gone) is replayed by the retry; the wallet moves once', async () => {
    const userId = new Types.ObjectId();
    failNextEffect = true;
    await expect(ledger.record(earn(userId, 15, 'effect-1'))).rejects.toThrow('connection refused');
    const retry = await ledger.record(earn(userId, 15, 'effect-1'));
    expect(retry).toMatchObject({ duplicate: true, wallet: { balance: 15 } });
    expect(effects.map((e) => e.redo)).toEqual([false, true]);
    expect(effects[0].plan.entryId).toBe(effects[1].plan.entryId);
  });

  it('a deferred effect that fails while listeners still run is no unhandled rejection; the plan stays for the retry', async () => {
    const userId = new Types.ObjectId();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      deferFailureNext = true;
      const first = await ledger.record(earn(userId, 12, 'deferred-1'));
      expect(first).toMatchObject({ duplicate: false, wallet: { balance: 12 } });
      await new Promise((done) => setTimeout(done, 50));
      expect(unhandled).toEqual([]);
      expect(await journal.get(first.entry.id)).not.toBeNull();
      const retry = await ledger.record(earn(userId, 12, 'deferred-1'));
      expect(retry).toMatchObject({ duplicate: true, wallet: { balance: 12 } });
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('the sweep finishes committed plans and undoes those that never committed', async () => {
    const userId = new Types.ObjectId();
    await crashAfterCommit(ledger.plan(earn(userId, 25, 'sweep-committed')));
    const lost = ledger.plan(earn(userId, 99, 'sweep-lost'), { reservations: ['cap|x|day|2026-11-30'] });
    await ledger.open(lost); // the process died before its insert

    expect(await ledger.finishPending()).toEqual({ finished: 0, abandoned: 0 }); // still in flight
    const report = await ledger.finishPending(Date.now() + 61_000);
    expect(report).toEqual({ finished: 1, abandoned: 1 });
    expect((await repository.getWallet(userId)).balance).toBe(25);
    expect(abandoned.map((e) => e.plan.idempotencyKey)).toEqual(['sweep-lost']);
    expect(await journal.openedBefore(Date.now() + 120_000, 10)).toEqual([]);
  });

  it('a debit taken before a crash that kept its entry from being written is given back by the sweep', async () => {
    const userId = new Types.ObjectId();
    await ledger.record(earn(userId, 50, 'debit-base'));
    const spend = ledger.plan({ ...earn(userId, -30, 'debit-lost'), kind: 'redeem' });
    await ledger.open(spend);
    await repository.applyToWallet(userId, spend.entryId, { delta: spend.delta, minBalance: 30 });
    expect((await repository.getWallet(userId)).balance).toBe(20);
    expect(await repository.readWallet(userId)).toMatchObject({ pointsRedeemed: 30, redemptions: 1 });
    await ledger.finishPending(Date.now() + 61_000);
    expect((await repository.getWallet(userId)).balance).toBe(50);
    // The redemption it counted is taken back with the points.
    expect(await repository.readWallet(userId)).toMatchObject({ pointsRedeemed: 0, redemptions: 0 });
  });

  it("drops a committed debit's wallet guard with the wallet's next write; a credit's stays for the grace", async () => {
    const userId = new Types.ObjectId();
    const guards = async () =>
      Object.values((await repository.readWallet(userId))?.applied ?? {}).flatMap((slot) => Object.keys(slot));
    const credit = await ledger.record(earn(userId, 100, 'guard-credit'));
    const debit = await ledger.record({ ...earn(userId, -30, 'guard-debit'), kind: 'redeem' });
    expect(await guards()).toEqual(expect.arrayContaining([credit.entry.id, debit.entry.id]));
    const next = await ledger.record(earn(userId, 5, 'guard-next'));
    expect((await guards()).sort()).toEqual([credit.entry.id, next.entry.id].sort());
    expect((await repository.getWallet(userId)).balance).toBe(75);
  });

  it('counts what a member spends on rewards in the debit itself, once, and a refund takes it back', async () => {
    const userId = new Types.ObjectId();
    await ledger.record(earn(userId, 100, 'spend-base'));
    const redeem = { ...earn(userId, -40, 'spend-redeem'), kind: 'redeem' as const };
    await ledger.record(redeem);
    expect((await ledger.record(redeem)).duplicate).toBe(true); // a retry
    expect(await repository.readWallet(userId)).toMatchObject({ balance: 60, pointsRedeemed: 40, redemptions: 1 });
    await ledger.record({ ...earn(userId, 40, 'spend-refund'), kind: 'refund' });
    await ledger.record({ ...earn(userId, 40, 'spend-refund'), kind: 'refund' });
    expect(await repository.readWallet(userId)).toMatchObject({ balance: 100, pointsRedeemed: 0, redemptions: 0 });
  });
});
