import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../common/auth.decorators';
import type { Principal } from '../common/roles';
import {
  CreateRewardDto,
  RewardDto,
  RewardListDto,
  RewardQueryDto,
  UpdateRewardDto,
  UploadCodesDto,
  UploadCodesResultDto,
} from './dto/reward.dto';
import { RewardCatalogService } from './reward-catalog.service';

@ApiTags('rewards')
@ApiBearerAuth()
@Controller('rewards')
export class RewardsController {
  constructor(private readonly catalog: RewardCatalogService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: RewardDto })
  create(@CurrentUser() caller: Principal, @Body() body: CreateRewardDto): Promise<RewardDto> {
    return this.catalog.create(caller, body);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: RewardDto, description: 'Any field, or {active: false} to withdraw it.' })
  update(@CurrentUser() caller: Principal, @Param('id') id: string, @Body() body: UpdateRewardDto): Promise<RewardDto> {
    return this.catalog.update(caller, id, body);
  }

  @Get()
  @ApiOkResponse({
    type: RewardListDto,
    description:
      'Members: active rewards aimed at them, with affordable and locked, cheapest first. Staff: newest first. ' +
      'A page at a time: pass `nextCursor` back as `cursor` until it is null.',
  })
  list(@CurrentUser() caller: Principal, @Query() query: RewardQueryDto): Promise<RewardListDto> {
    return this.catalog.list(caller, query, query.all === 'true');
  }

  @Get(':id')
  @ApiOkResponse({ type: RewardDto })
  get(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<RewardDto> {
    return this.catalog.get(caller, id);
  }

  @Post(':id/codes')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({
    type: UploadCodesResultDto,
    description: 'Adds codes (pasted lines or a CSV’s text) to a code pool.',
  })
  uploadCodes(@Param('id') id: string, @Body() body: UploadCodesDto): Promise<UploadCodesResultDto> {
    return this.catalog.uploadCodes(id, body.codes);
  }
}
