import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { DomainEventBus } from '../common/domain-event-bus';
import type { CampaignRespondedEvent } from '../common/domain-events';
import type { Principal } from '../common/roles';
import { HubConfig } from '../config/hub-config';
import { ActivitiesService } from '../engine/activities.service';
import { MemberProgressService } from '../engine/member-progress.service';
import type { UserRecord } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { checkAnswers } from './answers';
import { anonymousResponseId, CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';
import { campaignStatus, type RespondedDto } from './dto/campaign.dto';
import type { Campaign } from './schemas/campaign.schema';
import type { Answers, ResponsePlan } from './schemas/response.schema';
import { fullIncrements, mainNpsQuestion, weekIncrements } from './tallies';
import { TalliesRepository, tallyIds, type TallyTarget } from './tallies.repository';
import type { TallyPart } from './tallies';

/** A response still in flight this long after it opened is taken to have lost its request. */
export const STALLED_AFTER_MS = 60_000;

/**
 * Answering a campaign. A response is planned in full first (answers checked, ids and the week
 * chosen), opened once per member (in-flight record, then the participation marker), and then
 * its effects are applied, each safe to apply again: the answers (inserted by `_id`), the tallies
 * (guarded by the response's token), the incentive (an activity keyed by campaign and member),
 * the badge (granted once). A crash anywhere leaves the in-flight record, and the
 * `finish-campaign-responses` sweep applies what is missing — nothing twice.
 */
@Injectable()
export class CampaignResponsesService {
  private readonly logger = new Logger(CampaignResponsesService.name);

  constructor(
    private readonly campaigns: CampaignsService,
    private readonly repository: CampaignsRepository,
    private readonly tallies: TalliesRepository,
    private readonly activities: ActivitiesService,
    private readonly progress: MemberProgressService,
    private readonly users: UsersService,
    private readonly config: HubConfig,
    private readonly events: DomainEventBus,
  ) {}

  async respond(caller: Principal, id: string, answers: unknown): Promise<RespondedDto> {
    if (!caller.roles.includes('member')) throw new ForbiddenException('Only members answer feedback campaigns');
    const campaign = await this.campaigns.find(id);
    const member = await this.campaigns.visibleTo(caller, campaign);
    const now = new Date();
    const status = campaignStatus(campaign, now);
    if (status !== 'open') {
      throw new ConflictException(status === 'upcoming' ? 'This campaign is not open yet' : 'This campaign is closed');
    }
    const checked = checkAnswers(campaign.questions, answers);
    if (!checked.ok) throw new BadRequestException(checked.errors);
    if (!(await this.campaigns.lockForResponses(campaign))) {
      throw new ConflictException('This campaign was changed a moment ago; reload it and answer again');
    }
    const plan = this.plan(campaign, member, checked.answers, now);
    if (!(await this.repository.openResponse(plan))) {
      throw new ConflictException('You have already answered this campaign');
    }
    return this.finish(plan, campaign, member, plan.token);
  }

  /**
   * Stores a response outside the campaign's window (demo history): the same once-only path and
   * tallies, without the incentive; false when the member has answered already.
   */
  async record(campaign: Campaign, member: UserRecord, answers: Answers, at: Date): Promise<boolean> {
    const checked = checkAnswers(campaign.questions, answers);
    if (!checked.ok) throw new Error(`Bad demo answers: ${checked.errors.join('; ')}`);
    await this.campaigns.lockForResponses(campaign);
    const plan = { ...this.plan(campaign, member, checked.answers, at), history: true };
    if (!(await this.repository.openResponse(plan))) return false;
    await this.finish(plan, campaign, member, plan.token);
    return true;
  }

  /**
   * Finishes responses whose request stopped part-way (a crash, an outage) and that have been in
   * flight for STALLED_AFTER_MS before `asOf`: takes each over, then applies what is missing.
   */
  async finishInFlight(asOf = new Date()): Promise<{ finished: number; abandoned: number }> {
    let finished = 0;
    let abandoned = 0;
    const stalled = await this.repository.inFlightSince(new Date(asOf.getTime() - STALLED_AFTER_MS), 500);
    for (const { _id, plan, owner } of stalled) {
      const mine = new Types.ObjectId().toHexString();
      if (!(await this.repository.takeOver(_id, owner, mine))) continue;
      const campaign = await this.campaigns.find(plan.campaignId).catch(() => null);
      // Another response of the member's holds the marker (this one lost the race): drop it.
      if (!campaign || !(await this.repository.claimParticipation(plan))) {
        await this.repository.closeResponse(plan, mine);
        abandoned++;
        continue;
      }
      await this.finish(plan, campaign, null, mine);
      finished++;
    }
    if (finished || abandoned) this.logger.log(`Finished ${finished} stalled responses, dropped ${abandoned}`);
    return { finished, abandoned };
  }

  private plan(campaign: Campaign, member: UserRecord, answers: Answers, at: Date): ResponsePlan {
    const anonymous = campaign.anonymous;
    const day = DateTime.fromJSDate(at, { zone: 'utc' }).startOf('day').toJSDate();
    return {
      token: new Types.ObjectId().toHexString(),
      responseId: (anonymous ? anonymousResponseId(day) : new Types.ObjectId()).toHexString(),
      campaignId: campaign._id.toHexString(),
      userId: member._id.toHexString(),
      organizationId: member.organizationId?.toHexString() ?? null,
      tierKey: member.tierKey,
      answers,
      submittedAt: (anonymous ? day : at).toISOString(),
      week: DateTime.fromJSDate(at, { zone: this.config.PROGRAM_TIMEZONE }).startOf('week').toISODate()!,
      anonymous,
    };
  }

  /**
   * Applies every effect of a planned response (each once, however often this runs), then ends
   * its in-flight record if `owner` still holds it. Only the request that opened it (owner = its
   * token) frees the tally guards at once: nobody else can be replaying it then.
   */
  private async finish(
    plan: ResponsePlan,
    campaign: Campaign,
    member: UserRecord | null,
    owner: string,
  ): Promise<RespondedDto> {
    await this.repository.storeAnswers(plan);
    const writes = tallyWrites(plan, campaign);
    await this.tallies.apply(writes);
    await this.events.publish('campaign.responded', respondedEvent(plan, campaign, owner));
    const user = member ?? (await this.users.find(new Types.ObjectId(plan.userId)));
    if (!user) throw new NotFoundException('Member not found');
    const campaignId = plan.campaignId;
    if (plan.history) {
      await this.repository.closeResponse(plan, owner);
      return { pointsAwarded: 0, badgeKey: null };
    }
    const award = await this.activities.record({
      user,
      type: 'feedback.submitted',
      idempotencyKey: `campaign:${campaignId}:${plan.userId}`,
      value: campaign.incentivePoints,
      metadata: { campaignId },
      reason: `Feedback: ${campaign.title}`,
      source: { kind: 'feature', id: campaignId },
    });
    // Granting is idempotent, so a replay after a crash between the award and the badge gives it.
    if (campaign.badgeKey) await this.progress.grantBadge(user._id, campaign.badgeKey);
    const closed = await this.repository.closeResponse(plan, owner);
    if (closed && owner === plan.token) {
      this.tallies.release(
        writes.map((write) => write.target.id),
        plan.token,
      );
    }
    return { pointsAwarded: award.pointsAwarded, badgeKey: campaign.badgeKey };
  }
}

/**
 * The tally documents one response moves: the campaign's (with the latest texts), its
 * organization's and tier's (no texts: small groups), its week's and the program's week (NPS).
 */
export function tallyWrites(plan: ResponsePlan, campaign: Campaign): Array<{ target: TallyTarget; part: TallyPart }> {
  const full = fullIncrements(campaign.questions, plan.answers);
  const token = plan.token;
  const campaignId = campaign._id;
  const id = plan.campaignId;
  const week = weekIncrements(full);
  const writes: Array<{ target: TallyTarget; part: TallyPart }> = [
    { target: { id: tallyIds.total(id), campaignId, kind: 'total', key: null }, part: { token, ...full } },
    {
      target: { id: tallyIds.tier(id, plan.tierKey), campaignId, kind: 'tier', key: plan.tierKey },
      part: { token, inc: full.inc, texts: {} },
    },
    {
      target: { id: tallyIds.week(id, plan.week), campaignId, kind: 'week', key: plan.week },
      part: { token, ...week },
    },
  ];
  if (plan.organizationId) {
    writes.push({
      target: {
        id: tallyIds.organization(id, plan.organizationId),
        campaignId,
        kind: 'organization',
        key: plan.organizationId,
      },
      part: { token, inc: full.inc, texts: {} },
    });
  }
  const main = mainNpsQuestion(campaign.questions);
  if (main && plan.answers[main.id] !== undefined) {
    writes.push({
      target: { id: tallyIds.programWeek(plan.week), campaignId: null, kind: 'program-week', key: plan.week },
      part: { token, ...week },
    });
  }
  return writes;
}

/** What analytics learns of a response: its main NPS answer, and its organization unless anonymous. */
export function respondedEvent(plan: ResponsePlan, campaign: Campaign, owner: string): CampaignRespondedEvent {
  const main = mainNpsQuestion(campaign.questions);
  const answer = main ? plan.answers[main.id] : undefined;
  return {
    token: plan.token,
    redo: owner !== plan.token,
    campaignId: plan.campaignId,
    organizationId: plan.anonymous ? null : plan.organizationId,
    submittedAt: new Date(plan.submittedAt),
    nps: typeof answer === 'number' ? answer : null,
  };
}
