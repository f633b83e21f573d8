import { BadRequestException, Body, Controller, Get, NotFoundException, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Types } from 'mongoose';
import { AllowApiKey, CurrentUser, Roles } from '../common/auth.decorators';
import type { Principal } from '../common/roles';
import { ContentService } from '../content/content.service';
import { RuleListDto } from '../content/dto/rules-file.dto';
import { UsersRepository } from '../users/users.repository';
import { ActivitiesService } from './activities.service';
import { ActivityResultDto, BadgeListDto, MyBadgeListDto, ProgressDto, RecordActivityDto } from './dto/engine.dto';
import { MemberCache } from './member-cache';
import { MemberProgressService } from './member-progress.service';

const FIVE_MINUTES = 5 * 60_000;

@ApiTags('engine')
@ApiBearerAuth()
@Controller()
export class EngineController {
  constructor(
    private readonly activities: ActivitiesService,
    private readonly progress: MemberProgressService,
    private readonly content: ContentService,
    private readonly users: UsersRepository,
    private readonly members: MemberCache,
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
    if (Boolean(body.userId) === Boolean(body.email)) throw new BadRequestException('Give either userId or email');
    const occurredAt = body.occurredAt ? new Date(body.occurredAt) : undefined;
    if (occurredAt && occurredAt.getTime() > Date.now() + FIVE_MINUTES) {
      throw new BadRequestException('occurredAt must not be in the future');
    }
    this.activities.ruleFor(body.type); // an unknown type is refused before anything else
    const user = body.userId
      ? await this.members.get(new Types.ObjectId(body.userId))
      : await this.users.findByEmail(body.email!);
    if (!user) throw new NotFoundException('Member not found');
    const result = await this.activities.record({
      user,
      type: body.type,
      idempotencyKey: body.idempotencyKey,
      occurredAt,
      value: body.value,
      metadata: body.metadata,
      reason: body.reason,
      source: caller.apiKeyId ? { kind: 'api-key', id: caller.apiKeyId } : { kind: 'user', id: caller.id },
    });
    void reply.status(result.duplicate ? 200 : 201);
    return result;
  }

  @Get('rules')
  @ApiOkResponse({ type: RuleListDto, description: 'The earning rules in force (the "How to earn" page).' })
  rules(): RuleListDto {
    const { byType, multipliers } = this.content.rules();
    return {
      items: [...byType.values()].map((rule) => ({
        ...rule,
        ...(rule.tierMultipliers || Object.keys(multipliers).length
          ? { tierMultipliers: rule.tierMultipliers ?? multipliers }
          : {}),
      })),
    };
  }

  @Get('badges')
  @ApiOkResponse({ type: BadgeListDto })
  badges(): BadgeListDto {
    return { items: this.content.badges() };
  }

  @Get('me/badges')
  @ApiOkResponse({ type: MyBadgeListDto })
  async myBadges(@CurrentUser() caller: Principal): Promise<MyBadgeListDto> {
    const names = new Map(this.content.badges().map((badge) => [badge.key, badge.name]));
    const held = await this.progress.memberBadges(new Types.ObjectId(caller.id));
    return {
      items: held.map((badge) => ({
        key: badge.key,
        name: names.get(badge.key) ?? badge.key,
        earnedAt: badge.earnedAt.toISOString(),
      })),
    };
  }

  @Get('me/progress')
  @ApiOkResponse({ type: ProgressDto })
  async myProgress(@CurrentUser() caller: Principal): Promise<ProgressDto> {
    const userId = new Types.ObjectId(caller.id);
    const [user, stats, held] = await Promise.all([
      this.users.findById(userId),
      this.progress.stats(userId),
      this.progress.memberBadges(userId),
    ]);
    const tier = this.content.tier(user!.tierKey);
    const next = this.content.tiers()[this.content.tierRank(tier.key) + 1] ?? null;
    const qualifying = (await this.progress.walletOf(userId)).qualifying;
    const heldKeys = new Set(held.map((badge) => badge.key));
    const badges = this.content
      .badges()
      .filter((badge) => !heldKeys.has(badge.key))
      .map((badge) => ({ key: badge.key, name: badge.name, ...this.progress.evaluate(badge.criteria, stats) }))
      .map(({ key, name, progress, goal }) => ({ key, name, progress, goal }));
    return {
      tier: { key: tier.key, name: tier.name },
      nextTier: next ? { key: next.key, name: next.name } : null,
      pointsToNextTier: next ? Math.max(0, next.threshold - qualifying) : 0,
      nextBadges: [...badges].sort((a, b) => b.progress / b.goal - a.progress / a.goal).slice(0, 3),
      badges,
    };
  }
}
