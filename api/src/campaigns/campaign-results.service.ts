import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { toObjectId } from '../common/pagination';
import type { Principal } from '../common/roles';
import { TtlCache } from '../common/ttl-cache';
import { HubConfig } from '../config/hub-config';
import { ContentService } from '../content/content.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { UsersService } from '../users/users.service';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService, responseRate } from './campaigns.service';
import type { GroupResultDto, NpsTrendDto, ResultsDto, TextPageDto, TrendPointDto } from './dto/results.dto';
import type { Campaign } from './schemas/campaign.schema';
import type { Tally } from './schemas/tally.schema';
import { hiddenGroups, mainNpsQuestion, npsResult, npsScore, questionResults } from './tallies';
import { TalliesRepository, tallyIds } from './tallies.repository';

const NAME_TTL_MS = 60_000;

/**
 * Results, read from the running tallies only (a handful of `_id` look-ups and one small query
 * for the breakdowns, however many responses there are), the NPS trend by week and the paged
 * text answers.
 */
@Injectable()
export class CampaignResultsService {
  private readonly organizationNames = new TtlCache<string, string>(NAME_TTL_MS, 5_000);

  constructor(
    private readonly campaigns: CampaignsService,
    private readonly repository: CampaignsRepository,
    private readonly tallies: TalliesRepository,
    private readonly content: ContentService,
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
    private readonly config: HubConfig,
  ) {}

  async results(caller: Principal, id: string): Promise<ResultsDto> {
    const campaign = await this.campaigns.find(id);
    const [total, slices, audienceSize] = await Promise.all([
      this.tallies.find(tallyIds.total(id)),
      this.tallies.listForCampaign(campaign._id),
      this.campaigns.audienceSize(campaign),
    ]);
    const responses = total?.responses ?? 0;
    const byKind = (kind: Tally['kind']) => slices.filter((slice) => slice.kind === kind);
    const hasNps = Boolean(mainNpsQuestion(campaign.questions));
    return {
      campaignId: id,
      responses,
      audienceSize,
      responseRate: responseRate(responses, audienceSize),
      ...(hasNps ? { nps: npsResult(total?.nps) } : {}),
      questions: questionResults(campaign.questions, total),
      breakdowns: {
        organizations: await this.groups(caller, campaign, byKind('organization'), (key) =>
          this.organizationName(caller, key),
        ),
        tiers: await this.groups(caller, campaign, byKind('tier'), (key) => Promise.resolve(this.tierName(key))),
      },
      trend: byKind('week')
        .sort((a, b) => a.key!.localeCompare(b.key!))
        .map((week) => trendPoint(week.key!, week)),
      anonymous: campaign.anonymous,
    };
  }

  /** NPS by week over the last `weeks` weeks (program zone), for one campaign or every campaign. */
  async trend(weeks = 12, campaignId?: string, now = new Date()): Promise<NpsTrendDto> {
    if (campaignId) await this.campaigns.find(campaignId);
    const zone = this.config.PROGRAM_TIMEZONE;
    const monday = DateTime.fromJSDate(now, { zone }).startOf('week');
    const keys = Array.from({ length: weeks }, (_, back) => monday.minus({ weeks: weeks - 1 - back }).toISODate()!);
    const ids = keys.map((week) => (campaignId ? tallyIds.week(campaignId, week) : tallyIds.programWeek(week)));
    const found = await this.tallies.findMany(ids);
    return {
      timezone: zone,
      campaignId: campaignId ?? null,
      items: keys.map((week, index) => trendPoint(week, found.get(ids[index]) ?? null)),
    };
  }

  /** One text question's answers, newest first, a page at a time (names in named campaigns only). */
  async texts(id: string, questionId: string, limit = 20, cursor?: string): Promise<TextPageDto> {
    const campaign = await this.campaigns.find(id);
    const question = campaign.questions.find((q) => q.id === questionId && q.type === 'text');
    if (!question) return { items: [], nextCursor: null };
    const rows = await this.repository.textAnswers(
      campaign._id,
      questionId,
      limit + 1,
      cursor ? toObjectId(cursor, 'cursor') : undefined,
    );
    const page = rows.slice(0, limit);
    const people = campaign.anonymous
      ? new Map<string, { displayName: string }>()
      : await this.users.findMany(page.flatMap((row) => (row.userId ? [row.userId] : [])));
    return {
      items: page.map((row) => ({
        responseId: row._id.toHexString(),
        text: String(row.answers[questionId] ?? ''),
        submittedAt: row.submittedAt.toISOString(),
        ...(campaign.anonymous ? {} : { memberName: people.get(row.userId?.toHexString() ?? '')?.displayName ?? null }),
      })),
      nextCursor: rows.length > limit ? page[page.length - 1]._id.toHexString() : null,
    };
  }

  /** Breakdown groups, largest first; in anonymous campaigns small ones (see hiddenGroups) only named. */
  private async groups(
    _caller: Principal,
    campaign: Campaign,
    slices: Tally[],
    name: (key: string) => Promise<string>,
  ): Promise<GroupResultDto[]> {
    const hidden = hiddenGroups(
      slices.map((slice) => ({ id: slice.key!, responses: slice.responses })),
      campaign.anonymous,
    );
    const sorted = [...slices].sort((a, b) => b.responses - a.responses || a.key!.localeCompare(b.key!));
    return Promise.all(
      sorted.map(async (slice) => {
        const base = { id: slice.key!, name: await name(slice.key!) };
        if (hidden.has(slice.key!)) return { ...base, hidden: true };
        return {
          ...base,
          hidden: false,
          responses: slice.responses,
          ...(mainNpsQuestion(campaign.questions) ? { nps: npsResult(slice.nps) } : {}),
          // Text answers are never broken down (a small group's words may name its author).
          questions: questionResults(
            campaign.questions.filter((q) => q.type !== 'text'),
            slice,
          ),
        };
      }),
    );
  }

  private async organizationName(caller: Principal, id: string): Promise<string> {
    const name = await this.organizationNames.getOrLoad(id, async () => {
      const organization = await this.organizations.getVisible(caller, id).catch(() => null);
      return organization?.name ?? null;
    });
    return name ?? id;
  }

  private tierName(key: string): string {
    return this.content.tiers().find((tier) => tier.key === key)?.name ?? key;
  }
}

function trendPoint(week: string, tally: Pick<Tally, 'nps' | 'responses'> | null): TrendPointDto {
  const nps = npsResult(tally?.nps);
  return {
    week,
    responses: tally?.responses ?? 0,
    promoters: nps.promoters,
    passives: nps.passives,
    detractors: nps.detractors,
    score: npsScore(tally?.nps),
  };
}
