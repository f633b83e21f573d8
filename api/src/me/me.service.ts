import { Injectable } from '@nestjs/common';
import { ContentService } from '../content/content.service';
import { LedgerService } from '../ledger/ledger.service';
import type { Principal } from '../common/roles';
import type { MeDto, UpdateMeDto } from '../users/dto/user.dto';
import type { UserRecord } from '../users/users.repository';
import { toUserDto, UsersService } from '../users/users.service';

/** The signed-in user's own view: profile, points and tier together. */
@Injectable()
export class MeService {
  constructor(
    private readonly users: UsersService,
    private readonly ledger: LedgerService,
    private readonly content: ContentService,
  ) {}

  async get(caller: Principal): Promise<MeDto> {
    return this.compose(await this.users.get(caller.id));
  }

  async update(caller: Principal, changes: UpdateMeDto): Promise<MeDto> {
    return this.compose(await this.users.updateProfile(caller, changes));
  }

  private async compose(user: UserRecord): Promise<MeDto> {
    const points = await this.ledger.wallet(user._id.toHexString());
    const tier = this.content.tier(user.tierKey);
    return { ...toUserDto(user), points, tier: { key: tier.key, name: tier.name } };
  }
}
