import { Types } from 'mongoose';
import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
import { CampaignsRepository } from './campaigns.repository';
import { Campaign, CampaignSchema } from './schemas/campaign.schema';
import {
  CampaignResponse,
  CampaignResponseSchema,
  Participant,
  ParticipantSchema,
  PendingResponse,
  PendingResponseSchema,
  ReminderMark,
  ReminderMarkSchema,
  type ResponsePlan,
} from './schemas/response.schema';

describe('CampaignsRepository (embedded FerretDB, two processes)', () => {
  let db: RealDatabase;
  let a: CampaignsRepository;
  let b: CampaignsRepository;

  beforeAll(async () => {
    db = await realDatabase();
    const models = [
      db.model<Campaign>(Campaign.name, CampaignSchema),
      db.model<CampaignResponse>(CampaignResponse.name, CampaignResponseSchema),
      db.model<Participant>(Participant.name, ParticipantSchema),
      db.model<PendingResponse>(PendingResponse.name, PendingResponseSchema),
      db.model<ReminderMark>(ReminderMark.name, ReminderMarkSchema),
    ] as const;
    a = new CampaignsRepository(...models, await db.atomicWrites());
    b = new CampaignsRepository(...models, await db.atomicWrites());
  });
  afterAll(() => db.close());

  const plan = (campaignId: string, userId: string): ResponsePlan => ({
    token: new Types.ObjectId().toHexString(),
    responseId: new Types.ObjectId().toHexString(),
    campaignId,
    userId,
    organizationId: null,
    tierKey: 'member',
    answers: { nps: 9 },
    submittedAt: new Date().toISOString(),
    week: '2026-03-02',
    anonymous: false,
  });

  it('opens one response per member whatever the concurrency, and none after it is complete', async () => {
    const campaignId = new Types.ObjectId().toHexString();
    const userId = new Types.ObjectId().toHexString();
    const plans = Array.from({ length: 20 }, () => plan(campaignId, userId));
    const outcomes = await allAtOnce(20, (i) => (i % 2 ? a : b).openResponse(plans[i]));
    const winners = plans.filter(
      (_, i) =>
        outcomes[i].status === 'fulfilled' &&
        outcomes[i].status === 'fulfilled' &&
        (outcomes[i] as { value: boolean }).value,
    );
    expect(winners).toHaveLength(1);
    expect(await a.closeResponse(winners[0], winners[0].token)).toBe(true);
    expect(await b.openResponse(plan(campaignId, userId))).toBe(false);
    expect((await a.answered([campaignId], userId)).size).toBe(1);
    expect(await a.inFlightSince(new Date(Date.now() + 1000), 10)).toEqual([]);
  });

  it('hands an in-flight response to one taker only, and lets only its owner close it', async () => {
    const opened = plan(new Types.ObjectId().toHexString(), new Types.ObjectId().toHexString());
    expect(await a.openResponse(opened)).toBe(true);
    const id = `${opened.campaignId}:${opened.userId}`;
    const takers = await allAtOnce(6, (i) => (i % 2 ? a : b).takeOver(id, opened.token, `sweep-${i}`));
    const taken = takers.filter((t) => t.status === 'fulfilled' && t.value);
    expect(taken).toHaveLength(1);
    expect(await a.closeResponse(opened, opened.token)).toBe(false); // the stalled request lost it
    const owner = (await a.inFlightSince(new Date(Date.now() + 1000), 10))[0].owner;
    expect(await b.closeResponse(opened, owner)).toBe(true);
  });

  it('closes concurrent responses together, and never one that another owner holds', async () => {
    const campaignId = new Types.ObjectId().toHexString();
    const plans = Array.from({ length: 20 }, () => plan(campaignId, new Types.ObjectId().toHexString()));
    expect(
      (await allAtOnce(20, (i) => a.openResponse(plans[i]))).every((o) => o.status === 'fulfilled' && o.value),
    ).toBe(true);
    const taken = plans[7];
    expect(await b.takeOver(`${campaignId}:${taken.userId}`, taken.token, 'sweep')).toBe(true);
    // All 20 close at once on one process: the 19 it still owns go; the one taken over stays.
    const closes = await allAtOnce(20, (i) => a.closeResponse(plans[i], plans[i].token));
    expect(closes.every((c) => c.status === 'fulfilled')).toBe(true);
    const left = (await a.inFlightSince(new Date(Date.now() + 1000), 100)).filter(
      (p) => p.plan.campaignId === campaignId,
    );
    expect(left.map((p) => [p._id, p.owner])).toEqual([[`${campaignId}:${taken.userId}`, 'sweep']]);
    // Whoever closed alongside the taken one cannot tell its own from the count: none is claimed.
    expect((closes[7] as PromiseFulfilledResult<boolean>).value).toBe(false);
    expect(await b.closeResponse(taken, 'sweep')).toBe(true);
  });

  it('claims a reminder once across processes', async () => {
    const campaignId = new Types.ObjectId().toHexString();
    const claims = await allAtOnce(10, (i) => (i % 2 ? a : b).claimReminder(campaignId, 'u1', new Date()));
    expect(claims.filter((c) => c.status === 'fulfilled' && c.value)).toHaveLength(1);
  });
});
