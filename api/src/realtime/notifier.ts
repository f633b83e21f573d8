import { Injectable } from '@nestjs/common';
import { OnDomainEvent } from '../common/domain-event-bus';
import type { LedgerRecordedEvent } from '../common/domain-events';
import { HubGateway } from './hub.gateway';

/** The one place that turns domain events into messages for members. */
@Injectable()
export class Notifier {
  constructor(private readonly gateway: HubGateway) {}

  @OnDomainEvent('ledger.recorded')
  onLedgerRecorded({ userId, entry, wallet }: LedgerRecordedEvent): void {
    if (entry.amount > 0 && entry.kind !== 'refund') {
      this.gateway.toUser(userId, 'points.awarded', {
        amount: entry.amount,
        balance: wallet.balance,
        reason: entry.reason,
        source: entry.source,
      });
    }
    this.gateway.toUser(userId, 'wallet.updated', wallet);
  }
}
