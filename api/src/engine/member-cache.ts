import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { OnDomainEvent } from '../common/domain-event-bus';
import type { TierChangedEvent } from '../common/domain-events';
import { TtlCache } from '../common/ttl-cache';
import { UserRecord, UsersRepository } from '../users/users.repository';

const TTL_MS = 5_000;
const MAX_ENTRIES = 20_000;

/**
 * Members the activity ingest has just seen. A CRM reports many activities per member in bursts,
 * and on FerretDB each member read costs ~1 ms of database CPU (over a third of a whole award).
 * What an award needs from the member — organization and tier — changes rarely: a tier change in
 * this process drops the entry at once; one made by another instance shows within TTL_MS.
 */
@Injectable()
export class MemberCache {
  private readonly entries = new TtlCache<string, UserRecord>(TTL_MS, MAX_ENTRIES);

  constructor(private readonly users: UsersRepository) {}

  get(id: Types.ObjectId): Promise<UserRecord | null> {
    return this.entries.getOrLoad(id.toHexString(), () => this.users.findById(id));
  }

  @OnDomainEvent('tier.changed')
  onTierChanged({ userId }: TierChangedEvent): void {
    this.entries.delete(userId);
  }
}
