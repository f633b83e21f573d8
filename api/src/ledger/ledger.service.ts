import { ConflictException, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { ContentService } from '../content/content.service';
import { DomainEventBus } from '../common/domain-event-bus';
import { Page, toObjectId, toPage } from '../common/pagination';
import { WriteSerializer } from '../database/write-serializer';
import type { LedgerEntryDto } from './dto/ledger.dto';
import { LedgerRepository, NewLedgerEntry, WalletBalances } from './ledger.repository';
import type { MemberStats, MemberStatsUpdate } from './schemas/wallet.schema';
import type { LedgerEntry, LedgerKind } from './schemas/ledger-entry.schema';
import { walletDelta } from './wallet-delta';

export const toLedgerEntryDto = (entry: LedgerEntry): LedgerEntryDto => ({
  id: entry._id.toHexString(),
  amount: entry.amount,
  kind: entry.kind,
  reason: entry.reason,
  source: { type: entry.source.type, id: entry.source.id ?? null },
  createdAt: entry.createdAt.toISOString(),
});

export interface RecordResult {
  entry: LedgerEntryDto;
  wallet: WalletBalances;
  duplicate: boolean;
  /** With `stats`: the member's statistics as they were before this entry applied them. */
  statsBefore?: MemberStats | null;
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}

/**
 * Appends to the ledger and keeps the wallet in step. The unique idempotency key makes every
 * entry happen once; wallet changes run one at a time per wallet (see WriteSerializer), and a
 * debit is one conditional update, so the balance never goes below zero.
 */
@Injectable()
export class LedgerService {
  constructor(
    private readonly repository: LedgerRepository,
    private readonly serializer: WriteSerializer,
    private readonly events: DomainEventBus,
    private readonly content: ContentService,
  ) {}

  /**
   * `stats`: the member's activity statistics to apply in the same wallet update (the engine's
   * award path), so that an award costs one update.
   */
  async record(entry: NewLedgerEntry, stats?: MemberStatsUpdate): Promise<RecordResult> {
    // A replayed debit must not touch the wallet even briefly, so debits look the key up first.
    // Credits go straight to the insert: the unique index answers, and on FerretDB a look-up by
    // anything but _id scans the whole ledger.
    if (entry.amount < 0) {
      const seen = await this.repository.findByIdempotencyKey(entry.idempotencyKey);
      if (seen) return this.duplicateOf(seen);
    }

    const result = await this.serializer.run(`wallet:${entry.userId.toHexString()}`, () => this.apply(entry, stats));
    if (!result.duplicate) {
      await this.events.publish('ledger.recorded', {
        userId: entry.userId.toHexString(),
        organizationId: entry.organizationId?.toHexString() ?? null,
        occurredAt: entry.occurredAt ?? new Date(),
        entry: result.entry,
        wallet: result.wallet,
      });
    }
    return result;
  }

  private async apply(entry: NewLedgerEntry, stats?: MemberStatsUpdate): Promise<RecordResult> {
    const delta = walletDelta(entry.kind, entry.amount);
    if (entry.occurredAt && entry.occurredAt < this.qualificationStart()) delta.qualifying = 0;
    const isDebit = delta.balance < 0;
    const debited = isDebit ? await this.repository.debit(entry.userId, -delta.balance) : null;
    if (isDebit && !debited) throw new ConflictException('Insufficient points');
    let stored: LedgerEntry;
    try {
      stored = await this.repository.insert(entry);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Lost the race for this idempotency key: give our debit back and report the winner.
      if (isDebit) await this.repository.applyDelta(entry.userId, { ...delta, balance: -delta.balance }, undefined);
      return this.duplicateOf((await this.repository.findByIdempotencyKey(entry.idempotencyKey))!);
    }
    if (debited) return { entry: toLedgerEntryDto(stored), wallet: debited, duplicate: false };
    const applied = await this.repository.applyDelta(entry.userId, delta, stats);
    return { entry: toLedgerEntryDto(stored), wallet: applied.wallet, duplicate: false, statsBefore: applied.before };
  }

  /** Credits that happened before this instant no longer count towards the tier. */
  qualificationStart(asOf = new Date()): Date {
    return DateTime.fromJSDate(asOf).minus({ months: this.content.qualificationWindowMonths() }).toJSDate();
  }

  private async duplicateOf(entry: LedgerEntry): Promise<RecordResult> {
    return { entry: toLedgerEntryDto(entry), wallet: await this.repository.getWallet(entry.userId), duplicate: true };
  }

  /** Walks every entry of some kinds, in pages, through one cursor. */
  async *entriesOfKinds(kinds: LedgerKind[], pageSize = 2000): AsyncGenerator<LedgerEntry[]> {
    let page: LedgerEntry[] = [];
    for await (const entry of this.repository.streamByKinds(kinds)) {
      page.push(entry);
      if (page.length === pageSize) {
        yield page;
        page = [];
      }
    }
    if (page.length) yield page;
  }

  countOfKinds(kinds: LedgerKind[]): Promise<number> {
    return this.repository.countByKinds(kinds);
  }

  memberStats(userId: Types.ObjectId): Promise<MemberStats | null> {
    return this.repository.memberStats(userId);
  }

  /** Statistics-only changes to the wallet document, under the same lock as balance changes. */
  setStreak(userId: Types.ObjectId, streak: number): Promise<void> {
    return this.serializer.run(`wallet:${userId.toHexString()}`, () => this.repository.setStreak(userId, streak));
  }

  noteBadge(userId: Types.ObjectId, key: string, earnedAt: Date): Promise<void> {
    return this.serializer.run(`wallet:${userId.toHexString()}`, () =>
      this.repository.noteBadge(userId, key, earnedAt),
    );
  }

  wallet(userId: string): Promise<WalletBalances> {
    return this.repository.getWallet(new Types.ObjectId(userId));
  }

  async statement(userId: string, limit: number, cursor?: string): Promise<Page<LedgerEntryDto>> {
    const rows = await this.repository.listForUser(
      new Types.ObjectId(userId),
      limit + 1,
      cursor ? toObjectId(cursor, 'cursor') : undefined,
    );
    return toPage(rows, limit, toLedgerEntryDto);
  }
}
