import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { BadRequestException } from '@nestjs/common';
import { CurrentUser, Roles } from '../common/auth.decorators';
import type { Principal } from '../common/roles';
import {
  DecisionNoteDto,
  FulfilDto,
  mapRedemption,
  RedeemDto,
  RedemptionCsvQueryDto,
  RedemptionDto,
  RedemptionListDto,
  RedemptionPageDto,
  RedemptionQueryDto,
} from './dto/redemption.dto';
import { RedemptionQueriesService } from './redemption-queries.service';
import { REDEMPTION_ID } from './redemption-rules';
import { RedemptionService } from './redemption.service';

const checkedId = (id: string) => {
  if (!REDEMPTION_ID.test(id)) throw new BadRequestException('redemption id is not valid');
  return id;
};

@ApiTags('rewards')
@ApiBearerAuth()
@Controller()
export class RedemptionsController {
  constructor(
    private readonly redemptions: RedemptionService,
    private readonly queries: RedemptionQueriesService,
  ) {}

  @Post('rewards/:id/redemptions')
  @ApiCreatedResponse({
    type: RedemptionDto,
    description: 'The same idempotencyKey again: 200 with the same redemption.',
  })
  @ApiOkResponse({ type: RedemptionDto, description: 'A repeat of an earlier request (same idempotencyKey).' })
  async redeem(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Body() body: RedeemDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RedemptionDto> {
    const { redemption, created } = await this.redemptions.redeem(caller, id, body.idempotencyKey);
    reply.status(created ? 201 : 200);
    return mapRedemption(redemption);
  }

  @Get('me/redemptions')
  @ApiOkResponse({ type: RedemptionListDto, description: 'My redemptions, newest first, with any code.' })
  mine(@CurrentUser() caller: Principal, @Query() query: RedemptionPageDto): Promise<RedemptionListDto> {
    return this.queries.mine(caller, query.limit, query.cursor);
  }

  @Post('redemptions/:id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: RedemptionDto, description: 'Mine, while pending: points refunded, stock restored.' })
  async cancel(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<RedemptionDto> {
    return mapRedemption(await this.redemptions.decide(caller, checkedId(id), 'cancelled'));
  }

  @Get('redemptions')
  @Roles('admin')
  @ApiOkResponse({ type: RedemptionListDto, description: 'The fulfilment queue, oldest first.' })
  queue(@Query() query: RedemptionQueryDto): Promise<RedemptionListDto> {
    return this.queries.queue(query);
  }

  @Get('redemptions.csv')
  @Roles('admin')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="redemptions.csv"')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'Pending redemptions (or ?status=) for a fulfilment partner (RFC 4180).' })
  csv(@Query() query: RedemptionCsvQueryDto): Promise<string> {
    return this.queries.csv(query);
  }

  @Post('redemptions/:id/fulfil')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({ type: RedemptionDto, description: 'With an optional code that only the member sees.' })
  async fulfil(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Body() body: FulfilDto,
  ): Promise<RedemptionDto> {
    const fulfilled = await this.redemptions.decide(caller, checkedId(id), 'fulfilled', body.note, body.code);
    return mapRedemption(fulfilled, { showCode: false });
  }

  @Post('redemptions/:id/reject')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({ type: RedemptionDto, description: 'Refunds the points (a refund entry) and restocks.' })
  async reject(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Body() body: DecisionNoteDto,
  ): Promise<RedemptionDto> {
    return mapRedemption(await this.redemptions.decide(caller, checkedId(id), 'rejected', body.note), {
      showCode: false,
    });
  }
}
