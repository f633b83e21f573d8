import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, Roles } from '../common/auth.decorators';
import { PageQueryDto } from '../common/pagination';
import type { Principal } from '../common/roles';
import { AdjustmentEntryDto, CreateAdjustmentDto, LedgerPageDto } from './dto/ledger.dto';
import { LedgerService } from './ledger.service';

@ApiTags('points')
@ApiBearerAuth()
@Controller()
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Get('me/ledger')
  @ApiOkResponse({ type: LedgerPageDto, description: 'My ledger entries, newest first.' })
  statement(@CurrentUser() caller: Principal, @Query() page: PageQueryDto): Promise<LedgerPageDto> {
    return this.ledger.statement(caller.id, page.limit ?? 20, page.cursor);
  }

  @Post('points/adjustments')
  @Roles('admin')
  @ApiCreatedResponse({ type: AdjustmentEntryDto, description: 'The new entry; 200 with duplicate: true on a replay.' })
  @ApiOkResponse({ type: AdjustmentEntryDto, description: 'This idempotency key was used before: nothing changed.' })
  async adjust(
    @CurrentUser() caller: Principal,
    @Body() body: CreateAdjustmentDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AdjustmentEntryDto> {
    const result = await this.ledger.adjust(caller, body);
    void reply.status(result.duplicate ? 200 : 201);
    return result;
  }
}
