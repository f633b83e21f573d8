import { ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { isOutage } from '../common/database-errors';
import { DomainEventBus } from '../common/domain-event-bus';
import type { PostingPlan } from '../common/domain-events';
import { Page, toObjectId, toPage } from '../common/pagination';
import { TtlCache } from '../common/ttl-cache';
import { ContentService } from '../content/content.service';
import { appliedValue, outlivedGuards } from '../database/guards';
import type { Principal } from '../common/roles';
import { UsersService } from '../users/users.service';
import { AdjustmentEntryDto, CreateAdjustmentDto, mapLedgerEntry, type LedgerEntryDto } from './dto/ledger.dto';
import { LedgerRepository, WalletBalances } from './ledger.repository';
import { POSTING_JOURNAL, PostingJournal } from './posting-journal';
import type { LedgerEntry, LedgerKind } from './schemas/ledger-entry.schema';
import type { MemberStats, MemberStatsUpdate } from './schemas/wallet.schema';
import { addToBalances, walletDelta } from './wallet-delta';

export type { NewLedgerEntry, PendingReport, PlanOptions, RecordResult } from './ledger.types';
import type { NewLedgerEntry, PendingReport, PlanOptions, RecordResult } from './ledger.types';

/** A plan younger than this may still be running in the request that opened it. */
const IN_FLIGHT_MS = 30_000;
/** A plan with no entry after this long never committed (its request died): undo it. */
const ABANDON_AFTER_MS = 60_000;
/** How long a balance this process last wrote is kept as a hint (see `lastKnownBalance`). */
const BALANCE_HINT_MS = 60_000;

const oid = (hex: string) => new Types.ObjectId(hex);

/**
 * Appends to the ledger — the source of truth — and makes every entry's effects happen exactly
 * once, even when the process or the database dies half-way:
 *
 * 1. The plan (entry id, amount, wallet change, statistics, reservations) goes to the posting
 *    journal before anything it describes is written.
 * 2. A debit takes its points first, with one conditional update (only while the balance covers
 *    it), so no concurrency can overdraw.
 * 3. The entry is inserted: its unique idempotency key makes this the commit point. Losing that
 *    race undoes step 2 and answers with the winner.
 * 4. The wallet, then every `@OnDomainEffect` listener of `ledger.recorded` (tiers, boards, the
 *    engine's activity bookkeeping), apply the entry — each guarded by the entry's id, so a replay
 *    changes nothing that was done.
 * 5. The plan leaves the journal.
 *
 * A retry with the same key, or the sweep (`finishPending`, at start-up and every minute), finds
 * the plan still in the journal: if the entry exists it replays step 4 (`redo`), else it undoes
 * steps 1–2.
 */
@Injectable()
export class LedgerService {
  private readonly logger = new Logger(LedgerService.name);
  private readonly balanceHints = new TtlCache<string, number>(BALANCE_HINT_MS, 100_000);

  constructor(
    private readonly repository: LedgerRepository,
    @Inject(POSTING_JOURNAL) private readonly journal: PostingJournal,
    private readonly events: DomainEventBus,
    private readonly content: ContentService,
    private readonly users: UsersService,
  ) {}

  /** An admin's correction or goodwill grant (a negative one only while the balance covers it). */
  async adjust(caller: Principal, input: CreateAdjustmentDto): Promise<AdjustmentEntryDto> {
    const user = await this.users.get(input.userId);
    const result = await this.record({
      userId: user._id,
      organizationId: user.organizationId,
      amount: input.amount,
      kind: 'adjust',
      reason: input.reason,
      source: { type: 'adjustment', id: caller.id },
      idempotencyKey: `adjust:${input.idempotencyKey}`,
    });
    return { ...result.entry, duplicate: result.duplicate };
  }

  /** Decides what an entry will do; writes nothing. */
  plan(entry: NewLedgerEntry, options: PlanOptions = {}): PostingPlan {
    const plan: PostingPlan = {
      entryId: new Types.ObjectId().toHexString(),
      idempotencyKey: entry.idempotencyKey,
      userId: entry.userId.toHexString(),
      organizationId: entry.organizationId?.toHexString() ?? null,
      amount: entry.amount,
      kind: entry.kind,
      reason: entry.reason,
      source: entry.source,
      occurredAt: (entry.occurredAt ?? new Date()).toISOString(),
      delta: { balance: 0, lifetime: 0, qualifying: 0 },
      ...(options.stats ? { stats: options.stats } : {}),
      ...(options.activity ? { activity: options.activity } : {}),
      ...(options.reservations?.length ? { reservations: options.reservations } : {}),
      ...(options.freshKey ? { freshKey: true as const } : {}),
      openedAt: Date.now(),
    };
    return this.withAmount(plan, entry.amount);
  }

  /** The plan with its final amount (known once its reservations are taken). */
  withAmount(plan: PostingPlan, amount: number): PostingPlan {
    const delta = walletDelta(plan.kind, amount);
    if (new Date(plan.occurredAt) < this.qualificationStart()) delta.qualifying = 0;
    return { ...plan, amount, delta };
  }

  /** Records one entry from start to finish. */
  async record(entry: NewLedgerEntry, options: PlanOptions = {}): Promise<RecordResult> {
    const plan = this.plan(entry, options);
    return (await this.open(plan)) ?? (await this.post(plan));
  }

  /**
   * Puts the plan in the journal. When an entry with the same idempotency key is already
   * committed but unfinished (a retry after a crash), finishes that one and returns it as the
   * duplicate instead; the new plan is then dropped.
   */
  async open(plan: PostingPlan): Promise<RecordResult | null> {
    const others = await this.journal.open(plan);
    for (const other of others) {
      const committed = await this.repository.findEntry(oid(other.entryId));
      if (!committed) continue;
      await this.abandon(plan);
      return this.applyEffects(other, committed, true);
    }
    return null;
  }

  /** Commits an opened plan's entry and applies its effects (steps 2–5 above). */
  async post(plan: PostingPlan): Promise<RecordResult> {
    if (plan.reservations) await this.journal.update(plan);
    let committed: LedgerEntry | null = null;
    let debited: WalletBalances | undefined;
    try {
      if (plan.delta.balance < 0) {
        // A replayed debit must not touch the wallet even briefly (a concurrent spend could be
        // refused), so debits look their key up first. Credits go straight to the insert: the
        // unique index answers, and on FerretDB a look-up by anything but _id scans the ledger.
        const seen = plan.freshKey ? null : await this.repository.findByIdempotencyKey(plan.idempotencyKey);
        if (seen) {
          await this.abandon(plan);
          return this.duplicateOf(seen);
        }
        const taken = await this.repository.applyToWallet(oid(plan.userId), plan.entryId, {
          delta: plan.delta,
          minBalance: -plan.delta.balance,
        });
        if (taken.status === 'short') {
          await this.abandon(plan);
          throw new ConflictException('Insufficient points');
        }
        if (taken.status === 'applied') debited = taken.after;
      }
      const entry = this.entryOf(plan);
      if (!(await this.repository.insertEntry(entry))) {
        await this.abandon(plan); // gives a debit back
        return this.duplicateOf((await this.repository.findByIdempotencyKey(plan.idempotencyKey))!);
      }
      committed = { ...entry, createdAt: new Date() };
    } catch (error) {
      // When the database is unreachable we cannot tell whether the insert happened: the plan
      // stays in the journal and the retry or the sweep settles it. Other failures before the
      // commit undo what the plan had taken.
      if (!isOutage(error) && !(error instanceof ConflictException)) await this.abandon(plan).catch(() => undefined);
      throw error;
    }
    // Past the commit nothing is undone: a failure leaves the plan for the retry or the sweep.
    return this.applyEffects(plan, committed, false, debited);
  }

  /** Undoes a plan that never became an entry: its reservations (listeners) and its journal record. */
  async abandon(plan: PostingPlan): Promise<void> {
    if (plan.delta.balance < 0) await this.repository.revertOnWallet(oid(plan.userId), plan.entryId, plan.delta);
    await this.events.publish('ledger.abandoned', { plan });
    await this.journal.close(plan);
  }

  /**
   * Finishes what crashed requests left: plans opened over IN_FLIGHT_MS ago whose entry exists
   * get their effects replayed; plans older than ABANDON_AFTER_MS without one are undone.
   */
  async finishPending(now = Date.now()): Promise<PendingReport> {
    const report: PendingReport = { finished: 0, abandoned: 0 };
    for (let round = 0; round < 100; round++) {
      const plans = await this.journal.openedBefore(now - IN_FLIGHT_MS, 200);
      if (!plans.length) break;
      for (const plan of plans) {
        const entry = await this.repository.findEntry(oid(plan.entryId));
        if (entry) {
          await this.applyEffects(plan, entry, true);
          report.finished++;
        } else if (now - plan.openedAt > ABANDON_AFTER_MS) {
          await this.abandon(plan);
          report.abandoned++;
        }
      }
      if (plans.length < 200) break;
    }
    if (report.finished || report.abandoned) this.logger.warn(`Unfinished postings: ${JSON.stringify(report)}`);
    return report;
  }

  /**
   * Step 4 (and 5): the wallet, then every effect listener, then the journal. On a replay the
   * wallet's guard makes a second application a no-op.
   */
  private async applyEffects(
    plan: PostingPlan,
    entry: LedgerEntry,
    redo: boolean,
    debited?: WalletBalances,
  ): Promise<RecordResult> {
    const userId = oid(plan.userId);
    // A debit was applied before the commit; the wallet it left needs no second look.
    let wallet: WalletBalances | undefined = debited;
    let statsBefore: MemberStats | null | undefined;
    if (redo && outlivedGuards(plan.entryId)) {
      // Its guards are gone (kept a couple of days): whether it was applied is unknowable from
      // the wallet, so the wallet is settled from the ledger instead.
      this.logger.warn(`Posting ${plan.entryId} finished after its guards expired: settling the wallet`);
      await this.settleFromLedger(userId);
    } else if (plan.delta.balance >= 0) {
      const applied = await this.repository.applyToWallet(userId, plan.entryId, {
        delta: plan.delta,
        stats: plan.stats,
      });
      if (applied.status === 'applied') {
        wallet = applied.after;
        if (!redo) statsBefore = applied.before;
      }
    }
    wallet ??= await this.repository.getWallet(userId);
    this.balanceHints.set(plan.userId, wallet.balance);
    const dto = mapLedgerEntry(entry);
    const deferred: Array<Promise<unknown>> = [];
    await this.events.publish('ledger.recorded', {
      userId: plan.userId,
      organizationId: plan.organizationId,
      occurredAt: new Date(plan.occurredAt),
      entry: dto,
      wallet,
      plan,
      redo,
      ...(statsBefore !== undefined ? { statsBefore } : {}),
      defer: (effect) => {
        effect.catch(() => undefined); // handled at once: it may reject before the listeners finish
        deferred.push(effect);
      },
    });
    // A debit's guard only lets an abandon take back a debit whose entry was never written. Once
    // the entry is in, nothing touches that debit again (a replay applies credits only; a repeated
    // request is a new plan with its own token, stopped by the idempotency key), so its guard need
    // not outlive the close by the grace a credit's does: a busy spender's wallet stays small.
    const debit = plan.delta.balance < 0;
    const close = async () => {
      await this.journal.close(plan);
      this.repository.releaseGuard(userId, plan.entryId, !debit);
    };
    if (!deferred.length) await close();
    else {
      // Closed once the deferred effects land; if one fails the plan stays for the retry or sweep.
      void Promise.all(deferred)
        .then(close)
        .catch((error: Error) => this.logger.warn(`Posting ${plan.entryId} left for the sweep: ${error.message}`));
    }
    return { entry: dto, wallet, duplicate: redo };
  }

  /** The answer for a key seen before; finishes that entry first if it is still unfinished. */
  private async duplicateOf(entry: LedgerEntry): Promise<RecordResult> {
    const pending = await this.journal.get(entry._id.toHexString());
    if (pending) return this.applyEffects(pending, entry, true);
    return { entry: mapLedgerEntry(entry), wallet: await this.repository.getWallet(entry.userId), duplicate: true };
  }

  private entryOf(plan: PostingPlan): Omit<LedgerEntry, 'createdAt'> {
    return {
      _id: oid(plan.entryId),
      userId: oid(plan.userId),
      organizationId: plan.organizationId ? oid(plan.organizationId) : null,
      amount: plan.amount,
      kind: plan.kind,
      reason: plan.reason,
      source: plan.source,
      idempotencyKey: plan.idempotencyKey,
      occurredAt: new Date(plan.occurredAt),
      ...(plan.activity
        ? {
            activity: {
              value: plan.activity.value,
              metadata: plan.activity.metadata,
              reason: plan.activity.reason,
              reportedBy: plan.activity.source,
            },
          }
        : {}),
    };
  }

  /** Credits that happened before this instant no longer count towards the tier. */
  qualificationStart(asOf = new Date()): Date {
    return DateTime.fromJSDate(asOf).minus({ months: this.content.qualificationWindowMonths() }).toJSDate();
  }

  /**
   * Sets one member's wallet to what the ledger says, counting only entries whose effects have
   * been applied (an entry still in the journal is applied by its own posting). Retries when an
   * award moves the wallet meanwhile. Returns the drift it fixed, if any.
   */
  async settleFromLedger(
    userId: Types.ObjectId,
  ): Promise<{ stored: WalletBalances; fromLedger: WalletBalances } | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const wallet = await this.repository.readWallet(userId);
      const stored = {
        balance: wallet?.balance ?? 0,
        lifetime: wallet?.lifetime ?? 0,
        qualifying: wallet?.qualifying ?? 0,
      };
      const entries = await this.repository.listAllForUser(userId);
      const applied: LedgerEntry[] = [];
      for (const entry of entries) {
        const id = entry._id.toHexString();
        // An entry still being posted counts once its wallet guard is there; until then its own
        // posting applies it.
        const recent = Date.now() - entry.createdAt.getTime() < 10 * 60_000;
        if (recent && appliedValue(wallet, id) === undefined && (await this.journal.get(id))) continue;
        applied.push(entry);
      }
      const fromLedger: WalletBalances = { balance: 0, lifetime: 0, qualifying: 0 };
      const start = this.qualificationStart();
      for (const entry of applied) addToBalances(fromLedger, entry, start);
      if (JSON.stringify(stored) === JSON.stringify(fromLedger)) return null;
      if (await this.repository.replaceBalances(userId, stored, fromLedger)) return { stored, fromLedger };
    }
    throw new ConflictException('The wallet kept moving while it was being settled; try again');
  }

  /** Walks every entry (or those of some kinds), in pages, through one cursor. */
  async *entries(kinds?: LedgerKind[], pageSize = 2000): AsyncGenerator<LedgerEntry[]> {
    let page: LedgerEntry[] = [];
    for await (const entry of this.repository.stream(kinds)) {
      page.push(entry);
      if (page.length === pageSize) {
        yield page;
        page = [];
      }
    }
    if (page.length) yield page;
  }

  /** The entry posted with this key, if any (a feature undoing a spend asks whether it happened). */
  async findByIdempotencyKey(idempotencyKey: string): Promise<LedgerEntryDto | null> {
    const entry = await this.repository.findByIdempotencyKey(idempotencyKey);
    return entry ? mapLedgerEntry(entry) : null;
  }

  count(kinds?: LedgerKind[]): Promise<number> {
    return this.repository.count(kinds);
  }

  memberStats(userId: Types.ObjectId): Promise<MemberStats | null> {
    return this.repository.memberStats(userId);
  }

  /** Raises member statistics once per `token` (what an award learns after its commit). */
  async applyStatistics(userId: Types.ObjectId, token: string, stats: MemberStatsUpdate): Promise<void> {
    await this.repository.applyToWallet(userId, token, { delta: { balance: 0, lifetime: 0, qualifying: 0 }, stats });
  }

  noteBadge(userId: Types.ObjectId, key: string, earnedAt: Date): Promise<void> {
    return this.repository.noteBadge(userId, key, earnedAt);
  }

  wallet(userId: string): Promise<WalletBalances> {
    return this.repository.getWallet(new Types.ObjectId(userId));
  }

  /**
   * The balance a posting of this process left in the member's wallet within the last minute, if
   * any: a hint for cheap refusals, never a decision (another instance, or a posting finishing out
   * of order, may have moved it since; the conditional debit decides).
   */
  lastKnownBalance(userId: string): number | undefined {
    return this.balanceHints.get(userId);
  }

  async statement(userId: string, limit: number, cursor?: string): Promise<Page<LedgerEntryDto>> {
    const rows = await this.repository.listForUser(
      new Types.ObjectId(userId),
      limit + 1,
      cursor ? toObjectId(cursor, 'cursor') : undefined,
    );
    return toPage(rows, limit, mapLedgerEntry);
  }
}
