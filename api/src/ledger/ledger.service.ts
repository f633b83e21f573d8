import { ConflictException, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { ContentService } from '../content/content.service';
import { DomainEventBus } from '../common/domain-event-bus';
import { Page, toObjectId, toPage } from '../common/pagination';
import { WriteSerializer } from '../database/write-serializer';
import type { LedgerEntryDto } from './dto/ledger.dto';
import { LedgerRepository, NewLedgerEntry, WalletBalances } from './ledger.repository';
import type { LedgerEntry } from './schemas/ledger-entry.schema';
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

  async record(entry: NewLedgerEntry): Promise<RecordResult> {
    // A replayed debit must not touch the wallet even briefly, so debits look the key up first.
    // Credits go straight to the insert: the unique index answers, and on FerretDB a look-up by
    // anything but _id scans the whole ledger.
    if (entry.amount < 0) {
      const seen = await this.repository.findByIdempotencyKey(entry.idempotencyKey);
      if (seen) return this.duplicateOf(seen);
    }

    const result = await this.serializer.run(`wallet:${entry.userId.toHexString()}`, () => this.apply(entry));
    if (!result.duplicate) {
      await this.events.publish('ledger.recorded', {
        userId: entry.userId.toHexString(),
        entry: result.entry,
        wallet: result.wallet,
      });
    }
    return result;
  }

  private async apply(entry: NewLedgerEntry): Promise<RecordResult> {
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
      if (isDebit) await this.repository.applyDelta(entry.userId, { ...delta, balance: -delta.balance });
      return this.duplicateOf((await this.repository.findByIdempotencyKey(entry.idempotencyKey))!);
    }
    const wallet = debited ?? (await this.repository.applyDelta(entry.userId, delta));
    return { entry: toLedgerEntryDto(stored), wallet, duplicate: false };
  }

  /** Credits that happened before this instant no longer count towards the tier. */
  qualificationStart(asOf = new Date()): Date {
    return DateTime.fromJSDate(asOf).minus({ months: this.content.qualificationWindowMonths() }).toJSDate();
  }

  private async duplicateOf(entry: LedgerEntry): Promise<RecordResult> {
    return { entry: toLedgerEntryDto(entry), wallet: await this.repository.getWallet(entry.userId), duplicate: true };
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
