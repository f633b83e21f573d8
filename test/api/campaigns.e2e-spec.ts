import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import type { NotificationPayload } from '../../api/src/realtime/server-events';
import {
  bearer,
  createOrganization,
  createStaff,
  db,
  http,
  me,
  ObjectId,
  registerMember,
  runJob,
  Session,
  unique,
  withProgram,
} from '../utils/hub';

type Body = Record<string, unknown>;

describe('feedback campaigns', () => {
  const program = withProgram();
  let product: Session;

  beforeAll(async () => {
    product = await createStaff(program.admin, program.organization.inviteCode, ['product']);
  });

  const window = (fromHours = -1, toHours = 24 * 7) => ({
    opensAt: DateTime.now().plus({ hours: fromHours }).toUTC().toISO(),
    closesAt: DateTime.now().plus({ hours: toHours }).toUTC().toISO(),
  });
  const QUESTIONS = [
    { id: 'nps', type: 'nps', prompt: 'Would you recommend us?', required: true },
    { id: 'ease', type: 'rating', prompt: 'How easy was it?', required: false },
    { id: 'pick', type: 'single', prompt: 'Favourite?', options: ['Red', 'Blue'], required: false },
    { id: 'many', type: 'multi', prompt: 'Which?', options: ['A', 'B', 'C'], required: false },
    { id: 'why', type: 'text', prompt: 'Why?', required: false },
  ];
  const definition = (body: Body = {}, organizationId = program.organization.id) => ({
    title: unique('Campaign'),
    description: 'Tell us',
    questions: QUESTIONS,
    incentivePoints: 30,
    ...window(),
    audience: { organizationIds: [organizationId] },
    ...body,
  });
  const create = (body: Body = {}, by = product) =>
    http().post('/api/campaigns').set(bearer(by.token)).send(definition(body));
  const created = async (body: Body = {}) => (await create(body).expect(201)).body as { id: string; title: string };
  const newMember = (code = program.organization.inviteCode) => registerMember(code, 'respondent');
  const respond = (id: string, member: Session, answers: unknown) =>
    http().post(`/api/campaigns/${id}/responses`).set(bearer(member.token)).send({ answers });
  const results = async (id: string) =>
    (await http().get(`/api/campaigns/${id}/results`).set(bearer(product.token)).expect(200)).body;
  const stored = async (id: string) =>
    (await db()).collection('campaign_responses').countDocuments({ campaignId: new ObjectId(id) });
  const ledgerFor = async (userId: string) =>
    (await db())
      .collection('ledger')
      .find({ userId: new ObjectId(userId), 'source.type': 'feedback.submitted' })
      .toArray();

  describe('definitions', () => {
    it('creates a campaign for the product team and shows it back', async () => {
      const response = await create({ anonymous: true, badgeKey: 'voice' }).expect(201);
      expect(response.body).toMatchObject({
        id: expect.any(String),
        status: 'open',
        anonymous: true,
        badgeKey: 'voice',
        incentivePoints: 30,
        responses: 0,
        editable: true,
        questions: expect.arrayContaining([expect.objectContaining({ id: 'pick', options: ['Red', 'Blue'] })]),
      });
    });

    it.each([
      ['no options for a choice question', { questions: [{ id: 'a', type: 'single', prompt: 'x', required: true }] }],
      ['one option only', { questions: [{ id: 'a', type: 'multi', prompt: 'x', options: ['only'] }] }],
      ['options on a scale', { questions: [{ id: 'a', type: 'nps', prompt: 'x', options: ['1', '2'] }] }],
      ['duplicate question ids', { questions: [QUESTIONS[0], { ...QUESTIONS[1], id: 'nps' }] }],
      ['a bad question id', { questions: [{ ...QUESTIONS[0], id: 'a.b' }] }],
      ['an unknown question type', { questions: [{ ...QUESTIONS[0], type: 'slider' }] }],
      ['no questions', { questions: [] }],
      ['close before open', window(24, 1)],
      ['a negative incentive', { incentivePoints: -5 }],
      ['an unknown badge', { badgeKey: 'no-such-badge' }],
      ['an unknown tier', { audience: { tiers: ['diamond-plus'] } }],
      ['an unknown field', { colour: 'red' }],
      ['a Mongo operator', { title: { $gt: '' } }],
      ['a huge title', { title: 'x'.repeat(10_000) }],
    ])('refuses %s with 400', async (_what, body) => {
      const response = await create(body).expect(400);
      expect(response.body.statusCode).toBe(400);
    });

    it('lets only the product team (and admins) create, edit, read results and export', async () => {
      const member = await newMember();
      const manager = await createStaff(program.admin, program.organization.inviteCode, ['manager']);
      await create({}, member).expect(403);
      await create({}, manager).expect(403);
      await create({}, program.admin).expect(201);
      const campaign = await created();
      for (const path of ['results', 'results.csv', 'texts?questionId=why']) {
        await http().get(`/api/campaigns/${campaign.id}/${path}`).set(bearer(member.token)).expect(403);
      }
      await http().patch(`/api/campaigns/${campaign.id}`).set(bearer(member.token)).send({ title: 'x' }).expect(403);
      await http().get('/api/campaigns/nps-trend').set(bearer(member.token)).expect(403);
    });

    it('is edited while unanswered, and no longer once answered', async () => {
      const campaign = await created();
      const edited = await http()
        .patch(`/api/campaigns/${campaign.id}`)
        .set(bearer(product.token))
        .send({ title: 'Renamed', incentivePoints: 40 })
        .expect(200);
      expect(edited.body).toMatchObject({ title: 'Renamed', incentivePoints: 40, editable: true });
      await http()
        .patch(`/api/campaigns/${campaign.id}`)
        .set(bearer(product.token))
        .send({ closesAt: DateTime.now().minus({ days: 3 }).toUTC().toISO() })
        .expect(400);
      await respond(campaign.id, await newMember(), { nps: 9 }).expect(201);
      await http()
        .patch(`/api/campaigns/${campaign.id}`)
        .set(bearer(product.token))
        .send({ title: 'Again' })
        .expect(409);
    });
  });

  describe('who sees what', () => {
    it('shows members the open campaigns aimed at them with responded, and hides the rest (404)', async () => {
      const other = await createOrganization(program.admin);
      const mine = await created();
      const theirs = await created({ audience: { organizationIds: [other.id] } });
      const upcoming = await created(window(24, 48));
      const goldOnly = await created({ audience: { organizationIds: [program.organization.id], tiers: ['gold'] } });
      const member = await newMember();
      const list = async () =>
        (await http().get('/api/campaigns').set(bearer(member.token)).expect(200)).body.items as Array<Body>;
      const ids = (await list()).map((c) => c.id);
      expect(ids).toContain(mine.id);
      expect(ids).not.toContain(theirs.id);
      expect(ids).not.toContain(upcoming.id);
      expect(ids).not.toContain(goldOnly.id);
      expect((await list()).find((c) => c.id === mine.id)).toMatchObject({
        responded: false,
        questions: expect.any(Array),
      });
      await http().get(`/api/campaigns/${theirs.id}`).set(bearer(member.token)).expect(404);
      await http().get(`/api/campaigns/${goldOnly.id}`).set(bearer(member.token)).expect(404);
      await http().get(`/api/campaigns/${new ObjectId().toHexString()}`).set(bearer(member.token)).expect(404);
      await http().get('/api/campaigns/not-an-id').set(bearer(member.token)).expect(400);
      await respond(theirs.id, member, { nps: 5 }).expect(404);
      await respond(goldOnly.id, member, { nps: 5 }).expect(404);
      await respond(mine.id, member, { nps: 5 }).expect(201);
      expect((await list()).find((c) => c.id === mine.id)).toMatchObject({ responded: true });

      const all = (await http().get('/api/campaigns').set(bearer(product.token)).expect(200)).body.items;
      const states = Object.fromEntries(all.map((c: Body) => [c.id, c.status]));
      expect(states).toMatchObject({ [mine.id]: 'open', [upcoming.id]: 'upcoming', [theirs.id]: 'open' });
    });

    it('answers 409 before the campaign opens and after it closes', async () => {
      const member = await newMember();
      const upcoming = await created(window(2, 48));
      await respond(upcoming.id, member, { nps: 8 }).expect(409);
      const closing = await created(window(-48, -1 / 3600));
      await respond(closing.id, member, { nps: 8 }).expect(409);
      expect(await stored(upcoming.id)).toBe(0);
      expect(await stored(closing.id)).toBe(0);
    });
  });

  describe('responses', () => {
    it('takes one response per member whatever the concurrency, pays the incentive and the badge once', async () => {
      const campaign = await created({ badgeKey: 'all-rounder', incentivePoints: 45 });
      const member = await newMember();
      const attempts = await Promise.all(
        Array.from({ length: 20 }, (_, i) => respond(campaign.id, member, { nps: i % 11, why: `attempt ${i}` })),
      );
      const statuses = attempts.map((r) => r.status).sort();
      expect(statuses).toEqual([201, ...Array(19).fill(409)]);
      expect(attempts.find((r) => r.status === 201)!.body).toMatchObject({ pointsAwarded: 45 });
      await respond(campaign.id, member, { nps: 1 }).expect(409);
      expect(await stored(campaign.id)).toBe(1);
      expect((await ledgerFor(member.id)).map((entry) => entry.amount)).toEqual([45]);
      expect((await me(member)).points.balance).toBe(45);
      const badges = (await http().get('/api/me/badges').set(bearer(member.token))).body.items;
      expect(badges.filter((b: { key: string }) => b.key === 'all-rounder')).toHaveLength(1);
      expect((await results(campaign.id)).responses).toBe(1);
    });

    it('keeps 30 members answering at once exact in the tallies', async () => {
      const campaign = await created({ incentivePoints: 0 });
      const members = await Promise.all(Array.from({ length: 30 }, () => newMember()));
      const answers = members.map((_, i) => ({ nps: i % 11, pick: i % 2 ? 'Red' : 'Blue', many: ['A', 'C'] }));
      const outcomes = await Promise.all(members.map((member, i) => respond(campaign.id, member, answers[i])));
      expect(outcomes.map((r) => r.status)).toEqual(Array(30).fill(201));
      const body = await results(campaign.id);
      expect(body.responses).toBe(30);
      const nps = body.questions.find((q: Body) => q.id === 'nps');
      const expected: Record<string, number> = {};
      for (let v = 0; v <= 10; v++) expected[v] = answers.filter((a) => a.nps === v).length;
      expect(nps.distribution).toEqual(expected);
      expect(body.questions.find((q: Body) => q.id === 'pick').distribution).toEqual({ Red: 15, Blue: 15 });
      expect(body.questions.find((q: Body) => q.id === 'many').distribution).toEqual({ A: 30, B: 0, C: 30 });
      expect(body.nps.promoters + body.nps.passives + body.nps.detractors).toBe(30);
    });

    it.each([
      ['an NPS out of range', { nps: 11 }],
      ['a negative NPS', { nps: -1 }],
      ['a fractional rating', { nps: 5, ease: 3.5 }],
      ['a rating of 0', { nps: 5, ease: 0 }],
      ['an unknown option', { nps: 5, pick: 'Green' }],
      ['an option twice', { nps: 5, many: ['A', 'A'] }],
      ['a multi answer that is not a list', { nps: 5, many: 'A' }],
      ['a missing required answer', { ease: 3 }],
      ['an unknown question id', { nps: 5, colour: 'red' }],
      ['a number as text', { nps: '9' }],
      ['a Mongo operator', { nps: { $gt: 1 } }],
      ['an operator key', { $where: 'x', nps: 5 }],
      ['a dotted key', { 'nps.x': 5, nps: 5 }],
      ['a text over 2,000 characters', { nps: 5, why: 'x'.repeat(2001) }],
      ['answers that are a list', [5]],
      ['answers that are text', 'nine'],
    ])('refuses %s with 400 and stores nothing', async (_what, answers) => {
      const campaign = await created();
      const member = await newMember();
      const response = await respond(campaign.id, member, answers).expect(400);
      expect(response.body.statusCode).toBe(400);
      expect(await stored(campaign.id)).toBe(0);
      expect(
        await (await db()).collection('campaign_participants').countDocuments({ userId: new ObjectId(member.id) }),
      ).toBe(0);
      expect(await ledgerFor(member.id)).toEqual([]);
      // Nothing was used up: a good response is still taken.
      await respond(campaign.id, member, { nps: 7 }).expect(201);
    });

    it('refuses extra body fields and non-members', async () => {
      const campaign = await created();
      const member = await newMember();
      await http()
        .post(`/api/campaigns/${campaign.id}/responses`)
        .set(bearer(member.token))
        .send({ answers: { nps: 5 }, points: 1000 })
        .expect(400);
      await respond(campaign.id, product, { nps: 5 }).expect(403);
      expect(await stored(campaign.id)).toBe(0);
    });
  });

  describe('results', () => {
    it('computes NPS, distributions, averages and the response rate from a known set (NPS 25 from 10, 9, 7, 3)', async () => {
      const organization = await createOrganization(program.admin);
      const members = await Promise.all([1, 2, 3, 4, 5].map(() => newMember(organization.inviteCode)));
      const campaign = (
        await http().post('/api/campaigns').set(bearer(product.token)).send(definition({}, organization.id)).expect(201)
      ).body;
      const answers = [
        { nps: 10, ease: 5, pick: 'Red', many: ['A', 'B'], why: 'Great' },
        { nps: 9, ease: 4, pick: 'Red', many: ['B'] },
        { nps: 7, ease: 2, pick: 'Blue', why: 'Okay' },
        { nps: 3 },
      ];
      for (const [i, a] of answers.entries()) await respond(campaign.id, members[i], a).expect(201);
      const body = await results(campaign.id);
      expect(body).toMatchObject({
        responses: 4,
        audienceSize: 5,
        responseRate: 0.8,
        nps: { score: 25, promoters: 2, passives: 1, detractors: 1 },
        anonymous: false,
      });
      const q = Object.fromEntries(body.questions.map((item: Body) => [item.id, item]));
      expect(q.nps.distribution).toMatchObject({ '10': 1, '9': 1, '7': 1, '3': 1, '0': 0 });
      expect(q.nps.average).toBe(7.25);
      expect(q.ease).toMatchObject({ answered: 3, average: 3.67, distribution: { '1': 0, '2': 1, '4': 1, '5': 1 } });
      expect(q.pick.distribution).toEqual({ Red: 2, Blue: 1 });
      expect(q.many.distribution).toEqual({ A: 1, B: 2, C: 0 });
      expect(q.why).toMatchObject({ answered: 2, texts: ['Okay', 'Great'] });
      expect(body.breakdowns.organizations).toEqual([
        expect.objectContaining({ id: organization.id, name: organization.name, hidden: false, responses: 4 }),
      ]);
      expect(body.breakdowns.tiers).toEqual([expect.objectContaining({ id: 'member', hidden: false, responses: 4 })]);
      expect(body.trend).toEqual([expect.objectContaining({ responses: 4, score: 25 })]);

      const texts = await http()
        .get(`/api/campaigns/${campaign.id}/texts?questionId=why&limit=1`)
        .set(bearer(product.token))
        .expect(200);
      expect(texts.body.items).toEqual([expect.objectContaining({ text: 'Okay', memberName: 'respondent person' })]);
      const next = await http()
        .get(`/api/campaigns/${campaign.id}/texts?questionId=why&limit=1&cursor=${texts.body.nextCursor}`)
        .set(bearer(product.token))
        .expect(200);
      expect(next.body).toEqual({ items: [expect.objectContaining({ text: 'Great' })], nextCursor: null });

      const trend = await http()
        .get(`/api/campaigns/nps-trend?weeks=4&campaignId=${campaign.id}`)
        .set(bearer(product.token))
        .expect(200);
      expect(trend.body.items).toHaveLength(4);
      expect(trend.body.items[3]).toMatchObject({ responses: 4, promoters: 2, detractors: 1, score: 25 });
      const programTrend = await http().get('/api/campaigns/nps-trend').set(bearer(product.token)).expect(200);
      expect(programTrend.body.items).toHaveLength(12);
      expect(programTrend.body.items[11].responses).toBeGreaterThanOrEqual(4);
    });

    it('has no score before any response', async () => {
      const campaign = await created();
      const body = await results(campaign.id);
      expect(body).toMatchObject({ responses: 0, nps: { score: null, promoters: 0 }, trend: [] });
    });
  });

  describe('anonymous campaigns', () => {
    it('stores answers without the member, hides small groups, and exports no member columns', async () => {
      const campaign = await created({ anonymous: true });
      const member = await newMember();
      await respond(campaign.id, member, { nps: 9, why: '=HYPERLINK("http://evil.test","click")' }).expect(201);
      const rows = await (
        await db()
      )
        .collection('campaign_responses')
        .find({ campaignId: new ObjectId(campaign.id) })
        .toArray();
      expect(rows).toHaveLength(1);
      expect(rows[0]).not.toHaveProperty('userId');
      expect(rows[0]).not.toHaveProperty('organizationId');
      expect(rows[0]).not.toHaveProperty('tierKey');
      expect(rows[0].submittedAt.toISOString()).toMatch(/T00:00:00\.000Z$/);
      const marker = await (
        await db()
      )
        .collection('campaign_participants')
        .findOne({ userId: new ObjectId(member.id) });
      expect(JSON.stringify(marker)).not.toContain(rows[0]._id.toHexString());
      expect(await (await db()).collection('campaign_responses_pending').countDocuments({})).toBe(0);
      expect((await ledgerFor(member.id)).map((e) => e.amount)).toEqual([30]);

      const body = await results(campaign.id);
      expect(body.nps.score).toBe(100);
      expect(body.breakdowns.organizations).toEqual([
        { id: program.organization.id, name: program.organization.name, hidden: true },
      ]);
      expect(body.breakdowns.tiers).toEqual([expect.objectContaining({ id: 'member', hidden: true })]);
      expect(body.breakdowns.tiers[0]).not.toHaveProperty('responses');

      const csv = await http().get(`/api/campaigns/${campaign.id}/results.csv`).set(bearer(product.token)).expect(200);
      const records = parse(csv.text, { bom: true, columns: true }) as Array<Record<string, string>>;
      expect(records).toHaveLength(1);
      expect(Object.keys(records[0]).some((column) => /member|email|organization|tier/.test(column))).toBe(false);
      expect(records[0]['Why? [why]']).toBe(`'=HYPERLINK("http://evil.test","click")`);
      const texts = await http()
        .get(`/api/campaigns/${campaign.id}/texts?questionId=why`)
        .set(bearer(product.token))
        .expect(200);
      expect(texts.body.items[0]).not.toHaveProperty('memberName');
    });
  });

  describe('CSV export', () => {
    it('is RFC 4180 UTF-8 with BOM, one row per response, multi answers joined, formulas defused', async () => {
      const campaign = await created({ title: 'Café feedback' });
      const members = await Promise.all([0, 1, 2].map(() => newMember()));
      const answers = [
        { nps: 10, many: ['A', 'C'], why: '=HYPERLINK("http://evil.test","click")' },
        { nps: 6, pick: 'Blue', why: 'Line one\r\nline "two", with comma' },
        { nps: 8, why: '+1 and -1 and @home' },
      ];
      for (const [i, a] of answers.entries()) await respond(campaign.id, members[i], a).expect(201);
      const response = await http()
        .get(`/api/campaigns/${campaign.id}/results.csv`)
        .set(bearer(product.token))
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv/);
      expect(response.headers['content-disposition']).toMatch(/attachment; filename="campaign-cafe-feedback-/);
      const bytes = response.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8');
      expect(text).toContain('\r\n');
      const records = parse(text, { bom: true, columns: true }) as Array<Record<string, string>>;
      expect(records).toHaveLength(3);
      expect(Object.keys(records[0]).slice(0, 7)).toEqual([
        'response_id',
        'submitted_at',
        'member_id',
        'member_name',
        'member_email',
        'organization',
        'tier',
      ]);
      const byMember = Object.fromEntries(records.map((r) => [r.member_id, r]));
      expect(byMember[members[0].id]).toMatchObject({
        member_email: members[0].email,
        organization: program.organization.name,
        'Would you recommend us? [nps]': '10',
        'Which? [many]': 'A; C',
        'Why? [why]': `'=HYPERLINK("http://evil.test","click")`,
      });
      expect(byMember[members[1].id]['Why? [why]']).toBe('Line one\r\nline "two", with comma');
      expect(byMember[members[2].id]['Why? [why]']).toBe("'+1 and -1 and @home");
    });
  });

  describe('reminders', () => {
    it('reminds members who have not answered once, 48 hours before the close, however often the sweep runs', async () => {
      const organization = await createOrganization(program.admin);
      const [answered, silent] = await Promise.all([1, 2].map(() => newMember(organization.inviteCode)));
      const campaign = (
        await http()
          .post('/api/campaigns')
          .set(bearer(product.token))
          .send(definition({ ...window(-1, 24 * 5) }, organization.id))
          .expect(201)
      ).body;
      await respond(campaign.id, answered, { nps: 9 }).expect(201);
      const reminders = async (member: Session) =>
        (
          (await http().get('/api/me/notifications').set(bearer(member.token)).expect(200)).body
            .items as NotificationPayload[]
        ).filter((n) => n.type === 'campaign.reminder' && n.params.campaignId === campaign.id);
      await runJob(program.admin, 'campaign-reminders'); // five days before the close: too early
      expect(await reminders(silent)).toEqual([]);
      const inWindow = DateTime.now().plus({ days: 3, hours: 1 }).toJSDate();
      const first = await runJob(program.admin, 'campaign-reminders', inWindow);
      await Promise.all([
        runJob(program.admin, 'campaign-reminders', inWindow),
        runJob(program.admin, 'campaign-reminders', inWindow),
      ]);
      expect(first.body.reminded).toBeGreaterThanOrEqual(1);
      const got = await reminders(silent);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({
        params: { campaignId: campaign.id, title: campaign.title, points: 30 },
        link: `/feedback/${campaign.id}`,
      });
      expect(await reminders(answered)).toEqual([]);
    });
  });

  describe('after a crash', () => {
    it('finishes a response left in flight once, however often the sweep runs', async () => {
      const campaign = await created({ incentivePoints: 25 });
      const member = await newMember();
      const token = new ObjectId().toHexString();
      const plan = {
        token,
        responseId: new ObjectId().toHexString(),
        campaignId: campaign.id,
        userId: member.id,
        organizationId: program.organization.id,
        tierKey: 'member',
        answers: { nps: 10, why: 'from a crashed request' },
        submittedAt: new Date().toISOString(),
        week: DateTime.utc().startOf('week').toISODate(),
        anonymous: false,
      };
      // As a request leaves it when its process dies right after opening the response.
      await (await db()).collection('campaign_responses_pending').insertOne({
        _id: `${campaign.id}:${member.id}` as never,
        plan,
        owner: token,
        openedAt: new Date(Date.now() - 120_000),
      });
      await respond(campaign.id, member, { nps: 3 }).expect(409); // its own response is still on its way
      const runs = await Promise.all([
        runJob(program.admin, 'finish-campaign-responses'),
        runJob(program.admin, 'finish-campaign-responses'),
      ]);
      await runJob(program.admin, 'finish-campaign-responses');
      expect(runs.map((r) => r.body.finished).reduce((a, b) => a + b)).toBe(1);
      const body = await results(campaign.id);
      expect(body).toMatchObject({ responses: 1, nps: { score: 100, promoters: 1 } });
      expect(await stored(campaign.id)).toBe(1);
      expect((await ledgerFor(member.id)).map((e) => e.amount)).toEqual([25]);
      const list = (await http().get('/api/campaigns').set(bearer(member.token))).body.items;
      expect(list.find((c: Body) => c.id === campaign.id)).toMatchObject({ responded: true });
      await respond(campaign.id, member, { nps: 3 }).expect(409);
    });
  });
});
