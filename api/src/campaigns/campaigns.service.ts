import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Types } from 'mongoose';
import { audienceMember, inAudience, mapAudience, toAudience } from '../common/audience/audience';
import { CursorQueryDto, type Page, readKeyset, toKeysetPage, toObjectId, toPage } from '../common/pagination';
import { refuseNulls } from '../common/patch';
import { hasAnyRole, type Principal } from '../common/roles';
import { TtlCache } from '../common/ttl-cache';
import { ContentService } from '../content/content.service';
import { MemberCache } from '../engine/member-cache';
import { UsersService } from '../users/users.service';
import { CampaignChanges, CampaignsRepository, NewCampaign } from './campaigns.repository';
import {
  CAMPAIGN_NULLABLE,
  CampaignDto,
  CreateCampaignDto,
  mapCampaign,
  UpdateCampaignDto,
  type QuestionDto,
} from './dto/campaign.dto';
import type { Campaign, Question } from './schemas/campaign.schema';
import { mainNpsQuestion } from './tallies';
import { TalliesRepository, tallyIds } from './tallies.repository';

/** A page of the campaign list (the query's `limit` may ask for 1–100). */
const PAGE_SIZE = 100;
/** A campaign as responses see it; an edit in this process drops it, one elsewhere shows within this. */
const CAMPAIGN_TTL_MS = 5_000;
/** How long an audience's size is reused (a count over the users on every read would grow with them). */
const AUDIENCE_TTL_MS = 60_000;
const CHOICE = new Set(['single', 'multi']);

/** Who may run campaigns and read their results. */
export const isProduct = (caller: Principal) => hasAnyRole(caller, ['product']);

/**
 * Campaign definitions: the product console (create, edit while unanswered, list with response
 * rates) and what members may see (open campaigns aimed at them, with whether they answered).
 */
@Injectable()
export class CampaignsService {
  private readonly cache = new TtlCache<string, Campaign>(CAMPAIGN_TTL_MS, 2_000);
  private readonly audienceSizes = new TtlCache<string, number>(AUDIENCE_TTL_MS, 2_000);

  constructor(
    private readonly repository: CampaignsRepository,
    private readonly tallies: TalliesRepository,
    private readonly content: ContentService,
    private readonly members: MemberCache,
    private readonly users: UsersService,
  ) {}

  async create(caller: Principal, input: CreateCampaignDto): Promise<CampaignDto> {
    const campaign = await this.repository.create({
      ...this.validated(input),
      createdBy: new Types.ObjectId(caller.id),
    });
    return (await this.forProduct([campaign]))[0];
  }

  /** Edits a campaign that no one has answered yet (409 after the first response). */
  async update(id: string, changes: UpdateCampaignDto): Promise<CampaignDto> {
    refuseNulls(changes, CAMPAIGN_NULLABLE);
    const current = await this.find(id);
    if (current.locked) throw new ConflictException('This campaign has responses; it can no longer be edited');
    const merged: CampaignChanges = this.validated({ ...this.toInput(current), ...changes });
    const updated = await this.repository.update(current._id, current.version, merged);
    this.cache.delete(id);
    if (!updated) {
      const now = await this.find(id);
      throw new ConflictException(
        now.locked
          ? 'This campaign has responses; it can no longer be edited'
          : 'This campaign was changed meanwhile; reload it and edit again',
      );
    }
    return (await this.forProduct([updated]))[0];
  }

  /** Closes a campaign at once (internal: the demo loader closes the campaign it filled). */
  async closeNow(id: string): Promise<void> {
    await this.repository.closeNow(toObjectId(id), new Date());
    this.cache.delete(id);
  }

  /**
   * Product: every campaign with its state and response rate, newest first. Others: the open ones
   * aimed at them, closing soonest first. A page of `limit`, then `nextCursor` (null at the end).
   */
  async list(caller: Principal, query: CursorQueryDto = {}): Promise<Page<CampaignDto>> {
    const limit = query.limit ?? PAGE_SIZE;
    if (isProduct(caller)) {
      const before = query.cursor ? toObjectId(query.cursor, 'cursor') : undefined;
      const rows = await this.repository.listAll(limit + 1, before);
      const page = toPage(rows, limit, (row) => row);
      return { items: await this.forProduct(page.items), nextCursor: page.nextCursor };
    }
    const after = query.cursor ? readKeyset(query.cursor) : undefined;
    const member = await this.members.get(new Types.ObjectId(caller.id));
    if (!member) return { items: [], nextCursor: null };
    const rows = await this.repository.listOpenFor(audienceMember(member), new Date(), limit + 1, after);
    const page = toKeysetPage(rows, limit, (campaign) => campaign.closesAt);
    const answered = await this.repository.answered(
      page.rows.map((campaign) => campaign._id.toHexString()),
      caller.id,
    );
    return {
      items: page.rows.map((campaign) =>
        mapCampaign(campaign, { responded: answered.has(campaign._id.toHexString()) }),
      ),
      nextCursor: page.nextCursor,
    };
  }

  /** One campaign: product always; anyone else only inside its audience (404 otherwise). */
  async get(caller: Principal, id: string): Promise<CampaignDto> {
    const campaign = await this.find(id);
    if (isProduct(caller)) return (await this.forProduct([campaign]))[0];
    await this.visibleTo(caller, campaign);
    const answered = await this.repository.answered([id], caller.id);
    return mapCampaign(campaign, { responded: answered.has(id) });
  }

  /** The campaign, from a few seconds' cache (responses read it on every request); 404 when unknown. */
  async find(id: string): Promise<Campaign> {
    const campaign = await this.cache.getOrLoad(id, () => this.repository.find(toObjectId(id, 'campaign id')));
    if (!campaign) throw new NotFoundException('Campaign not found');
    return campaign;
  }

  /** The caller as an audience member, when the campaign is aimed at them (404 otherwise). */
  async visibleTo(caller: Principal, campaign: Campaign) {
    const member = await this.members.get(new Types.ObjectId(caller.id));
    if (!member || !inAudience(campaign.audience, audienceMember(member))) {
      throw new NotFoundException('Campaign not found');
    }
    return member;
  }

  /**
   * Locks the campaign against edits at the version a response was checked against: false when
   * it was edited meanwhile (the response must be checked again).
   */
  async lockForResponses(campaign: Campaign): Promise<boolean> {
    if (campaign.locked) return true;
    const locked = await this.repository.lock(campaign._id, campaign.version);
    const id = campaign._id.toHexString();
    if (locked) this.cache.set(id, { ...campaign, locked: true });
    else this.cache.delete(id);
    return locked;
  }

  /**
   * Every stored answer to a campaign's main NPS question (the analytics rebuild), with the
   * member's organization in a named campaign (none in an anonymous one).
   */
  async *npsAnswers(): AsyncGenerator<{ organizationId: string | null; submittedAt: Date; nps: number }> {
    for (const campaign of await this.repository.listAll(100_000)) {
      const main = mainNpsQuestion(campaign.questions);
      if (!main) continue;
      for await (const response of this.repository.responseCursor(campaign._id)) {
        const answer = response.answers[main.id];
        if (typeof answer !== 'number') continue;
        const organizationId = campaign.anonymous ? null : (response.organizationId?.toHexString() ?? null);
        yield { organizationId, submittedAt: response.submittedAt, nps: answer };
      }
    }
  }

  /** Members the campaign is aimed at now (reused for a minute). */
  async audienceSize(campaign: Campaign): Promise<number> {
    const key = `${campaign._id.toHexString()}:${campaign.version}`;
    const size = await this.audienceSizes.getOrLoad(key, () => this.users.countInAudience(campaign.audience));
    return size ?? 0;
  }

  private async forProduct(campaigns: Campaign[]): Promise<CampaignDto[]> {
    const totals = await this.tallies.findMany(campaigns.map((c) => tallyIds.total(c._id.toHexString())));
    return Promise.all(
      campaigns.map(async (campaign) => {
        const responses = totals.get(campaign._id.toHexString())?.responses ?? 0;
        const audienceSize = await this.audienceSize(campaign);
        return mapCampaign(campaign, {
          responses,
          audienceSize,
          responseRate: responseRate(responses, audienceSize),
          editable: !campaign.locked,
        });
      }),
    );
  }

  private validated(input: CreateCampaignDto): Omit<NewCampaign, 'createdBy'> {
    const opensAt = new Date(input.opensAt);
    const closesAt = new Date(input.closesAt);
    if (closesAt <= opensAt) throw new BadRequestException('closesAt must be after opensAt');
    const ids = new Set<string>();
    for (const question of input.questions) {
      if (ids.has(question.id)) throw new BadRequestException(`questions: the id "${question.id}" is used twice`);
      ids.add(question.id);
      checkOptions(question);
    }
    if (input.badgeKey && !this.content.badges().some((badge) => badge.key === input.badgeKey)) {
      throw new BadRequestException(`badgeKey "${input.badgeKey}" is not a badge in content/badges.yaml`);
    }
    return {
      title: input.title.trim(),
      description: input.description?.trim() ?? '',
      questions: input.questions.map((q): Question => ({
        id: q.id,
        type: q.type,
        prompt: q.prompt.trim(),
        options: CHOICE.has(q.type) ? q.options!.map((option) => option.trim()) : [],
        required: q.required ?? false,
      })),
      incentivePoints: input.incentivePoints,
      opensAt,
      closesAt,
      audience: toAudience(
        input.audience,
        this.content.tiers().map((tier) => tier.key),
      ),
      anonymous: input.anonymous ?? false,
      badgeKey: input.badgeKey ?? null,
    };
  }

  private toInput(campaign: Campaign): CreateCampaignDto {
    return {
      title: campaign.title,
      description: campaign.description,
      questions: campaign.questions.map((q) => ({ ...q, options: [...q.options] })),
      incentivePoints: campaign.incentivePoints,
      opensAt: campaign.opensAt.toISOString(),
      closesAt: campaign.closesAt.toISOString(),
      audience: mapAudience(campaign.audience),
      anonymous: campaign.anonymous,
      badgeKey: campaign.badgeKey,
    };
  }
}

/** Choice questions need 2–20 distinct options; other questions take none. */
function checkOptions(question: QuestionDto): void {
  const options = (question.options ?? []).map((option) => option.trim());
  if (!CHOICE.has(question.type)) {
    if (options.length) throw new BadRequestException(`questions.${question.id}: only choice questions have options`);
    return;
  }
  if (options.length < 2)
    throw new BadRequestException(`questions.${question.id}: a choice question needs 2 options or more`);
  if (options.some((option) => !option)) throw new BadRequestException(`questions.${question.id}: an option is empty`);
  if (new Set(options).size !== options.length) {
    throw new BadRequestException(`questions.${question.id}: an option is listed twice`);
  }
}

/** responses / audience, 0–1 with 4 decimals (capped at 1: people leave an audience). */
export function responseRate(responses: number, audienceSize: number): number {
  if (!audienceSize) return 0;
  return Math.min(1, Math.round((responses / audienceSize) * 10_000) / 10_000);
}
