import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { OnDomainEffect } from '../common/domain-event-bus';
import type { DemoReadyEvent } from '../common/domain-events';
import type { Principal } from '../common/roles';
import { UsersService } from '../users/users.service';
import { CampaignResponsesService } from './campaign-responses.service';
import { CampaignsService } from './campaigns.service';
import type { CreateCampaignDto } from './dto/campaign.dto';
import type { Answers } from './schemas/response.schema';

const OPEN_TITLE = 'Program pulse: how are we doing?';
const CLOSED_TITLE = 'Installer app beta: first impressions';

/** The open NPS campaign every demo member can answer. */
function openCampaign(now: DateTime): CreateCampaignDto {
  return {
    title: OPEN_TITLE,
    description: 'Five quick questions about the program. Your answers shape what we build next.',
    questions: [
      {
        id: 'recommend',
        type: 'nps',
        prompt: 'How likely are you to recommend the program to a colleague?',
        required: true,
      },
      { id: 'support', type: 'rating', prompt: 'How do you rate the support you get from us?', required: true },
      {
        id: 'favourite',
        type: 'single',
        prompt: 'Which part of the program do you use most?',
        options: ['Learn and Earn', 'Challenges', 'Club events', 'Rewards'],
        required: false,
      },
      {
        id: 'wishes',
        type: 'multi',
        prompt: 'What should we add next?',
        options: ['More courses', 'Team rewards', 'Site visits', 'A mobile app'],
        required: false,
      },
      { id: 'anything', type: 'text', prompt: 'Anything else you want to tell us?', required: false },
    ],
    incentivePoints: 30,
    opensAt: now.minus({ days: 2 }).toUTC().toISO()!,
    closesAt: now.plus({ days: 12 }).endOf('day').toUTC().toISO()!,
    anonymous: false,
  };
}

/**
 * The closed beta campaign with results: opened a month ago, answered by the demo members (seeded
 * as history: answers and tallies, no incentive, so the demo balances stay as the loader made them).
 */
function closedCampaign(now: DateTime): CreateCampaignDto {
  return {
    title: CLOSED_TITLE,
    description: 'You tried the installer app beta. Tell us how it went.',
    questions: [
      {
        id: 'nps',
        type: 'nps',
        prompt: 'How likely are you to recommend the app to another installer?',
        required: true,
      },
      { id: 'ease', type: 'rating', prompt: 'How easy was it to log a job?', required: true },
      {
        id: 'used',
        type: 'multi',
        prompt: 'Which features did you use?',
        options: ['Job log', 'Photo upload', 'Parts lookup', 'Offline mode'],
        required: false,
      },
      { id: 'improve', type: 'text', prompt: 'What should we improve first?', required: false },
    ],
    incentivePoints: 50,
    opensAt: now.minus({ days: 30 }).toUTC().toISO()!,
    closesAt: now.plus({ minutes: 5 }).toUTC().toISO()!,
    anonymous: false,
  };
}

const CLOSED_ANSWERS: Array<{ email: string; daysAgo: number; answers: Answers }> = [
  {
    email: 'ana@northwind.demo',
    daysAgo: 26,
    answers: { nps: 10, ease: 5, used: ['Job log', 'Photo upload'], improve: 'Faster photo upload on 3G, please.' },
  },
  { email: 'bo@northwind.demo', daysAgo: 19, answers: { nps: 9, ease: 4, used: ['Job log', 'Parts lookup'] } },
  {
    email: 'chen@northwind.demo',
    daysAgo: 12,
    answers: { nps: 7, ease: 4, used: ['Parts lookup'], improve: 'Offline mode for basements.' },
  },
  {
    email: 'dana@northwind.demo',
    daysAgo: 8,
    answers: { nps: 3, ease: 2, used: ['Job log'], improve: 'It logged me out twice on site.' },
  },
  { email: 'ella@contoso.demo', daysAgo: 4, answers: { nps: 8, ease: 4, used: ['Job log', 'Offline mode'] } },
];

/**
 * Demo campaigns (HUB_DEMO, `npm start`): the open "Program pulse" NPS survey for every demo
 * member, and a closed beta survey with five responses spread over a month (so the results page
 * has charts and the weekly trend has points). Found by title first, responses once per member:
 * a second start adds nothing.
 */
@Injectable()
export class CampaignsDemo {
  private readonly logger = new Logger(CampaignsDemo.name);

  constructor(
    private readonly campaigns: CampaignsService,
    private readonly responses: CampaignResponsesService,
    private readonly users: UsersService,
  ) {}

  @OnDomainEffect('demo.ready')
  async onDemoReady(event: DemoReadyEvent): Promise<void> {
    const product = event.staff.find((person) => person.roles.includes('product'));
    if (!product) return;
    const author: Principal = { id: product.id, roles: ['product'], organizationId: null, teamId: null };
    // A demo database holds a handful of campaigns: one page of 100 is all of them.
    const { items } = await this.campaigns.list(author, { limit: 100 });
    const existing = new Map(items.map((campaign) => [campaign.title, campaign.id]));
    const now = DateTime.now();
    let created = 0;
    if (!existing.has(OPEN_TITLE)) {
      await this.campaigns.create(author, openCampaign(now));
      created++;
    }
    let answered = 0;
    if (!existing.has(CLOSED_TITLE)) {
      const id = (await this.campaigns.create(author, closedCampaign(now))).id;
      const campaign = await this.campaigns.find(id);
      for (const { email, daysAgo, answers } of CLOSED_ANSWERS) {
        const member = event.members.find((person) => person.email === email);
        const user = member ? await this.users.find(new Types.ObjectId(member.id)) : null;
        if (!user) continue;
        if (await this.responses.record(campaign, user, answers, now.minus({ days: daysAgo }).toJSDate())) answered++;
      }
      // Closed now that its history is in (an edit is refused once answered, so this is internal).
      await this.campaigns.closeNow(id);
      created++;
    }
    if (created) this.logger.log(`Demo campaigns: ${created} new, ${answered} responses`);
  }
}
