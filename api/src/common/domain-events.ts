import type { LedgerEntryDto } from '../ledger/dto/ledger.dto';

/**
 * Typed in-process domain events. Features emit these; only the notifier turns them into
 * socket messages and inbox notifications.
 */
export interface DomainEvents {
  'ledger.recorded': LedgerRecordedEvent;
}

export interface LedgerRecordedEvent {
  userId: string;
  entry: LedgerEntryDto;
  wallet: { balance: number; lifetime: number; qualifying: number };
}

export type DomainEventName = keyof DomainEvents;
