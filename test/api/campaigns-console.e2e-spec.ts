import { DateTime } from 'luxon';
import {
  bearer,
  createOrganization,
  createStaff,
  db,
  http,
  ObjectId,
  registerMember,
  Session,
  unique,
  withProgram,
} from '../utils/hub';

type Body = Record<string, unknown>;

/** The product console's edits and lists: PATCH with null fields, and the list a page at a time. */
describe('feedback campaigns: console edits and paging', () => {
  const program = withProgram();
  let product: Session;

  beforeAll(async () => {
    product = await createStaff(program.admin, program.organization.inviteCode, ['product']);
  });

  const definition = (body: Body = {}, organizationId = program.organization.id) => ({
    title: unique('Campaign'),
    description: 'Tell us',
    questions: [{ id: 'nps', type: 'nps', prompt: 'Would you recommend us?', required: true }],
    incentivePoints: 30,
    opensAt: DateTime.now().minus({ hours: 1 }).toUTC().toISO(),
    closesAt: DateTime.now().plus({ days: 7 }).toUTC().toISO(),
    audience: { organizationIds: [organizationId] },
    ...body,
  });
  const created = async (body: Body = {}, organizationId?: string) =>
    (await http().post('/api/campaigns').set(bearer(product.token)).send(definition(body, organizationId)).expect(201))
      .body as { id: string; title: string };
  const patch = (id: string, body: Body) => http().patch(`/api/campaigns/${id}`).set(bearer(product.token)).send(body);
  const stored = async (id: string) => (await db()).collection('campaigns').findOne({ _id: new ObjectId(id) });

  describe('PATCH with null', () => {
    it.each(['title', 'description', 'questions', 'incentivePoints', 'opensAt', 'closesAt', 'audience', 'anonymous'])(
      'refuses %s: null with 400 and changes nothing',
      async (field) => {
        const campaign = await created({ badgeKey: 'voice' });
        const before = await stored(campaign.id);
        const response = await patch(campaign.id, {
          [field]: null,
          title: field === 'title' ? null : 'Renamed',
        }).expect(400);
        expect(response.body.message).toEqual([expect.stringMatching(new RegExp(`^${field} must not be null`))]);
        expect(await stored(campaign.id)).toEqual(before);
      },
    );

    it('takes badgeKey: null (removes the badge) and a null inside a question is still a clear 400', async () => {
      const campaign = await created({ badgeKey: 'voice' });
      const edited = await patch(campaign.id, { badgeKey: null }).expect(200);
      expect(edited.body).toMatchObject({ badgeKey: null, title: campaign.title });
      expect((await stored(campaign.id))!.badgeKey).toBeNull();
      const before = await stored(campaign.id);
      await patch(campaign.id, {
        questions: [{ id: 'pick', type: 'single', prompt: 'Which?', options: null, required: true }],
      }).expect(400);
      await patch(campaign.id, { questions: [null] }).expect(400);
      expect(await stored(campaign.id)).toEqual(before);
    });
  });

  describe('GET /api/campaigns a page at a time', () => {
    /** Every page from the first until nextCursor is null. */
    async function walk(session: Session, limit: number) {
      const pages: Array<{ items: Array<{ id: string }>; nextCursor: string | null }> = [];
      let cursor: string | null = null;
      do {
        const query: Record<string, string | number> = cursor ? { limit, cursor } : { limit };
        const page = (await http().get('/api/campaigns').query(query).set(bearer(session.token)).expect(200)).body;
        expect(page.items.length).toBeLessThanOrEqual(limit);
        pages.push(page);
        cursor = page.nextCursor;
        expect(pages.length).toBeLessThan(1000);
      } while (cursor);
      return pages;
    }

    it('gives members the open campaigns aimed at them, closing soonest first, over pages without gaps', async () => {
      const organization = await createOrganization(program.admin);
      const closing = (days: number) => ({ closesAt: DateTime.now().plus({ days }).toUTC().toISO() });
      // Two close at the same instant: the cursor must still tell them apart.
      const same = closing(3);
      const mine = [
        await created(closing(5), organization.id),
        await created(same, organization.id),
        await created(same, organization.id),
        await created(closing(1), organization.id),
        await created(closing(9), organization.id),
      ];
      await created(closing(2)); // another organization's: never listed
      const member = await registerMember(organization.inviteCode, 'pager');
      const pages = await walk(member, 2);
      const ids = pages.flatMap((page) => page.items.map((item) => item.id));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expect.arrayContaining(mine.map((c) => c.id)));
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(pages[pages.length - 1].nextCursor).toBeNull();
      const items = pages.flatMap((page) => page.items) as unknown as Array<{ id: string; closesAt: string }>;
      const order = items.map((item) => Date.parse(item.closesAt));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      const ours = items.filter((item) => mine.some((c) => c.id === item.id)).map((item) => item.id);
      expect(ours[0]).toBe(mine[3].id);
      expect(ours[ours.length - 1]).toBe(mine[4].id);
    });

    it('gives the product team every campaign, newest first, over pages without gaps', async () => {
      const mine = [await created(), await created(), await created()];
      const pages = await walk(product, 2);
      const ids = pages.flatMap((page) => page.items.map((item) => item.id));
      expect(new Set(ids).size).toBe(ids.length);
      // Newest first (ids descend), the three just made in reverse order of creation.
      expect(ids).toEqual([...ids].sort().reverse());
      const at = mine.map((c) => ids.indexOf(c.id));
      expect(at.every((index) => index >= 0)).toBe(true);
      expect(at).toEqual([...at].sort((a, b) => b - a));
      expect(pages[0].items[0]).toMatchObject({ responses: 0, editable: true });
      expect(pages[pages.length - 1].nextCursor).toBeNull();
      // Nothing missed: every campaign up to the first one listed (others' suites may add newer ones).
      const upTo = { _id: { $lte: new ObjectId(ids[0]) } };
      expect(ids.length).toBe(await (await db()).collection('campaigns').countDocuments(upTo));
    });

    it('refuses a cursor it did not give out and a page size out of range', async () => {
      const member = await registerMember(program.organization.inviteCode, 'pager');
      for (const [session, cursor] of [
        [member, 'nope'],
        [member, new ObjectId().toHexString()],
        [product, '12_nope'],
        [product, '{"$gt":""}'],
      ] as const) {
        await http().get('/api/campaigns').query({ cursor }).set(bearer(session.token)).expect(400);
      }
      await http().get('/api/campaigns').query({ limit: 0 }).set(bearer(product.token)).expect(400);
      await http().get('/api/campaigns').query({ limit: 101 }).set(bearer(product.token)).expect(400);
    });
  });
});
