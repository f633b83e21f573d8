import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser } from '../common/auth.decorators';
import type { Principal } from '../common/roles';
import { MyReferralDto } from './dto/referral.dto';
import { ReferralsService } from './referrals.service';

@ApiTags('rewards')
@ApiBearerAuth()
@Controller('me/referral')
export class ReferralsController {
  constructor(private readonly referrals: ReferralsService) {}

  @Get()
  @ApiOkResponse({ type: MyReferralDto, description: 'My code, the link that fills it in, and my conversions.' })
  mine(@CurrentUser() caller: Principal, @Req() request: FastifyRequest): Promise<MyReferralDto> {
    return this.referrals.mine(caller, `${request.protocol}://${request.host}`);
  }
}
