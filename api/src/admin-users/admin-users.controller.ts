import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth.decorators';
import { LedgerService } from '../ledger/ledger.service';
import { toUserDto, UsersService } from '../users/users.service';
import { AdminUserDto, UserPageDto, UserSearchQueryDto } from './dto/admin-users.dto';

/**
 * The admin console's people: find anyone (staff included) to change their roles or adjust their
 * points, and see a member's wallet. Roles change through `POST /api/users/:id/roles`.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/users')
@Roles('admin')
export class AdminUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly ledger: LedgerService,
  ) {}

  @Get()
  @ApiOkResponse({ type: UserPageDto, description: 'Newest first; `q` matches part of the name or email.' })
  search(@Query() query: UserSearchQueryDto): Promise<UserPageDto> {
    return this.users.search(query.q, query.organizationId, query.limit ?? 20, query.cursor);
  }

  @Get(':id')
  @ApiOkResponse({ type: AdminUserDto })
  async get(@Param('id') id: string): Promise<AdminUserDto> {
    const user = await this.users.get(id);
    const wallet = await this.ledger.wallet(user._id.toHexString());
    return {
      ...toUserDto(user),
      points: { balance: wallet.balance, lifetime: wallet.lifetime, qualifying: wallet.qualifying },
    };
  }
}
