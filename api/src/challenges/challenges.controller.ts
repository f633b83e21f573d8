import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../common/auth.decorators';
import type { Principal } from '../common/roles';
import { ChallengesService } from './challenges.service';
import {
  ChallengeDto,
  ChallengeListDto,
  CreateChallengeDto,
  CreatedSubmissionDto,
  CreateSubmissionDto,
  DecisionDto,
  SubmissionDto,
  SubmissionListDto,
  SubmissionQueryDto,
  UpdateChallengeDto,
} from './dto/challenge.dto';

@ApiTags('challenges')
@ApiBearerAuth()
@Controller()
export class ChallengesController {
  constructor(private readonly challenges: ChallengesService) {}

  @Post('challenges')
  @Roles('manager')
  @ApiCreatedResponse({ type: ChallengeDto })
  create(@CurrentUser() caller: Principal, @Body() body: CreateChallengeDto): Promise<ChallengeDto> {
    return this.challenges.create(caller, body);
  }

  @Get('challenges')
  @ApiOkResponse({ type: ChallengeListDto, description: 'Members: open challenges aimed at them. Staff: all.' })
  async list(@CurrentUser() caller: Principal): Promise<ChallengeListDto> {
    return { items: await this.challenges.list(caller) };
  }

  @Get('challenges/:id')
  @ApiOkResponse({ type: ChallengeDto })
  get(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<ChallengeDto> {
    return this.challenges.get(caller, id);
  }

  @Patch('challenges/:id')
  @Roles('manager')
  @ApiOkResponse({ type: ChallengeDto })
  update(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Body() body: UpdateChallengeDto,
  ): Promise<ChallengeDto> {
    return this.challenges.update(caller, id, body);
  }

  @Post('challenges/:id/submissions')
  @ApiCreatedResponse({ type: CreatedSubmissionDto, description: 'Evidence for an evidence challenge.' })
  submit(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Body() body: CreateSubmissionDto,
  ): Promise<CreatedSubmissionDto> {
    return this.challenges.submit(caller, id, body);
  }

  @Get('challenges/:id/submissions')
  @Roles('manager')
  @ApiOkResponse({ type: SubmissionListDto })
  async challengeSubmissions(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<SubmissionListDto> {
    return { items: await this.challenges.submissions(caller, { challengeId: id }) };
  }

  @Get('submissions')
  @Roles('manager')
  @ApiOkResponse({ type: SubmissionListDto, description: 'The approval queue (filter by status).' })
  async queue(@CurrentUser() caller: Principal, @Query() query: SubmissionQueryDto): Promise<SubmissionListDto> {
    return { items: await this.challenges.submissions(caller, { status: query.status }) };
  }

  @Post('submissions/:id/approve')
  @HttpCode(200)
  @Roles('manager')
  @ApiOkResponse({ type: SubmissionDto, description: 'Completes the challenge for the member and awards once.' })
  approve(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Body() body: DecisionDto,
  ): Promise<SubmissionDto> {
    return this.challenges.decide(caller, id, 'approved', body.comment);
  }

  @Post('submissions/:id/reject')
  @HttpCode(200)
  @Roles('manager')
  @ApiOkResponse({ type: SubmissionDto, description: 'The member is told why and may submit again.' })
  reject(@CurrentUser() caller: Principal, @Param('id') id: string, @Body() body: DecisionDto): Promise<SubmissionDto> {
    return this.challenges.decide(caller, id, 'rejected', body.comment);
  }
}
