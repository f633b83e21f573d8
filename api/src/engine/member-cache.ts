import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { OnDomainEvent } from '../common/domain-event-bus';
import type { TierChangedEvent } from '../common/domain-events';
import type { UserRecord } from '../users/users.repository';
import { UsersService } from '../users/users.service';

/**
 * Members the activity ingest has just seen. A CRM reports many activities per member in bursts,
 * and on FerretDB each member read costs ~1 ms of database CPU (over a third of a whole award).
 * What an award needs from the member — organization and tier — changes rarely: the record comes
 * from the users' shared short-lived cache (the one authentication reads too), and a tier change
 * in this process drops it at once; one made by another instance shows within its time.
 */
@Injectable()
export class MemberCache {
  constructor(private readonly users: UsersService) {}

  get(id: Types.ObjectId): Promise<UserRecord | null> {
    return this.users.recent(id);
  }

  @OnDomainEvent('tier.changed')
  onTierChanged({ userId }: TierChangedEvent): void {
    this.users.forget(userId);
  }
}
