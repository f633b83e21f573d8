import { Body, Controller, Get, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AllowApiKey, CurrentUser, Roles } from '../common/auth.decorators';
import type { Principal } from '../common/roles';
import { ContentService } from '../content/content.service';
import { RuleListDto } from '../content/dto/rules-file.dto';
import { ActivitiesService } from './activities.service';
import { ActivityResultDto, BadgeListDto, MyBadgeListDto, ProgressDto, RecordActivityDto } from './dto/engine.dto';
import { MemberProgressService } from './member-progress.service';

@ApiTags('engine')
@ApiBearerAuth()
@Controller()
export class EngineController {
  constructor(
    private readonly activities: ActivitiesService,
    private readonly progress: MemberProgressService,
    private readonly content: ContentService,
  ) {}

  @Post('activities')
  @AllowApiKey()
  @Roles('manager')
  @ApiCreatedResponse({ type: ActivityResultDto, description: 'Recorded and awarded.' })
  @ApiOkResponse({ type: ActivityResultDto, description: 'This idempotency key was seen before: nothing changed.' })
  async record(
    @CurrentUser() caller: Principal,
    @Body() body: RecordActivityDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActivityResultDto> {
    const result = await this.activities.report(caller, body);
    void reply.status(result.duplicate ? 200 : 201);
    return result;
  }

  @Get('rules')
  @ApiOkResponse({ type: RuleListDto, description: 'The earning rules in force (the "How to earn" page).' })
  rules(): RuleListDto {
    return { items: this.activities.rulesInForce() };
  }

  @Get('badges')
  @ApiOkResponse({ type: BadgeListDto })
  badges(): BadgeListDto {
    return { items: this.content.badges() };
  }

  @Get('me/badges')
  @ApiOkResponse({ type: MyBadgeListDto })
  async myBadges(@CurrentUser() caller: Principal): Promise<MyBadgeListDto> {
    return { items: await this.progress.badgesOf(caller.id) };
  }

  @Get('me/progress')
  @ApiOkResponse({ type: ProgressDto })
  myProgress(@CurrentUser() caller: Principal): Promise<ProgressDto> {
    return this.progress.progressOf(caller.id);
  }
}
