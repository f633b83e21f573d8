import type { Types } from 'mongoose';
import type { ActivityFacts } from '../common/domain-events';
import type { LedgerEntryDto } from './dto/ledger.dto';
import type { WalletBalances } from './ledger.repository';
import type { LedgerKind } from './schemas/ledger-entry.schema';
import type { MemberStatsUpdate } from './schemas/wallet.schema';

/** What LedgerService.record takes and gives back. */
export interface NewLedgerEntry {
  userId: Types.ObjectId;
  organizationId: Types.ObjectId | null;
  amount: number;
  kind: LedgerKind;
  reason: string;
  source: { type: string; id: string | null };
  idempotencyKey: string;
  occurredAt?: Date;
}

export interface PlanOptions {
  stats?: MemberStatsUpdate;
  activity?: ActivityFacts;
  /** Counters the caller will reserve (guarded by the plan's entry id) before posting. */
  reservations?: string[];
  /**
   * The caller guarantees nothing was ever posted with this key (its own record of the spend is
   * the commit point and posts it once): a debit then skips the look-up by key, which scans the
   * whole ledger on FerretDB. The unique index still refuses a duplicate, and the debit is undone.
   */
  freshKey?: boolean;
}

export interface RecordResult {
  entry: LedgerEntryDto;
  wallet: WalletBalances;
  duplicate: boolean;
}

export interface PendingReport {
  finished: number;
  abandoned: number;
}
