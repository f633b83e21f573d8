import {
  bearer,
  createOrganization,
  db,
  http,
  me,
  ObjectId,
  registerMember,
  runJob,
  hubTarget,
  unique,
  useHub,
  withProgram,
} from '../utils/hub';
import request from 'supertest';
import { rewardsWorld, type Reward } from '../utils/rewards';

describe('rewards: catalog and code pools', () => {
  const program = withProgram();
  const { admin, grant, createReward, redeem, newMember, balanceOf, rewardDoc } = rewardsWorld(program);

  describe('catalog', () => {
    it('shows members cost, stock, affordable, locked with the tier needed and the points still needed', async () => {
      const member = await newMember();
      await grant(member.id, 300);
      const cheap = await createReward({ cost: 200, stock: 5 });
      const dear = await createReward({ cost: 500 });
      const gold = await createReward({ cost: 100, minTier: 'gold', kind: 'experience' });
      const items = (await http().get('/api/rewards').set(bearer(member.token)).expect(200)).body.items as Reward[];
      const byId = new Map(items.map((item) => [item.id, item]));
      expect(byId.get(cheap.id)).toMatchObject({
        cost: 200,
        stock: 5,
        affordable: true,
        locked: false,
        pointsNeeded: 0,
      });
      expect(byId.get(dear.id)).toMatchObject({ stock: null, affordable: false, locked: false, pointsNeeded: 200 });
      expect(byId.get(gold.id)).toMatchObject({
        affordable: true,
        locked: true,
        minTier: 'gold',
        requiredTier: { key: 'gold', name: 'Gold' },
      });
      await redeem(member, gold.id).expect(403);
      expect(await balanceOf(member)).toBe(300);
    });

    it('withdraws a reward (active: false) and keeps other audiences’ rewards out of sight', async () => {
      const member = await newMember();
      await grant(member.id, 1000);
      const withdrawn = await createReward();
      await http().patch(`/api/rewards/${withdrawn.id}`).set(bearer(admin().token)).send({ active: false }).expect(200);
      const other = await createOrganization(admin());
      const elsewhere = await createReward({ audience: { organizationIds: [other.id] } });
      const ids = ((await http().get('/api/rewards').set(bearer(member.token))).body.items as Reward[]).map(
        (r) => r.id,
      );
      expect(ids).not.toContain(withdrawn.id);
      expect(ids).not.toContain(elsewhere.id);
      await redeem(member, withdrawn.id).expect(404);
      await redeem(member, elsewhere.id).expect(404);
      await http().get(`/api/rewards/${elsewhere.id}`).set(bearer(member.token)).expect(404);
      const all = await http().get('/api/rewards?all=true').set(bearer(admin().token)).expect(200);
      expect((all.body.items as Reward[]).map((r) => r.id)).toEqual(
        expect.arrayContaining([withdrawn.id, elsewhere.id]),
      );
      expect(await balanceOf(member)).toBe(1000);
    });

    it('keeps members out of the admin routes', async () => {
      const member = await newMember();
      const reward = await createReward();
      const calls = [
        http().post('/api/rewards').send({ name: 'x', description: 'y', kind: 'discount', cost: 1 }),
        http().patch(`/api/rewards/${reward.id}`).send({ active: false }),
        http().post(`/api/rewards/${reward.id}/codes`).send({ codes: 'A1' }),
        http().get('/api/redemptions?status=pending'),
        http().get('/api/redemptions.csv'),
        http()
          .post(`/api/redemptions/${'a'.repeat(32)}/fulfil`)
          .send({}),
        http()
          .post(`/api/redemptions/${'a'.repeat(32)}/reject`)
          .send({}),
      ];
      for (const call of calls) expect((await call.set(bearer(member.token))).status).toBe(403);
      expect((await rewardDoc(reward.id))!.active).toBe(true);
    });

    it('refuses bad input with 400 and changes nothing', async () => {
      const member = await newMember();
      await grant(member.id, 500);
      const reward = await createReward({ stock: 3 });
      const rewards = async () => (await db()).collection('rewards').countDocuments();
      const before = await rewards();
      const base = { name: 'Bad', description: 'd', kind: 'discount', cost: 10 };
      for (const body of [
        { ...base, cost: 'ten' },
        { ...base, cost: { $gt: 0 } },
        { ...base, cost: -5 },
        { ...base, kind: 'cash' },
        { ...base, name: 'x'.repeat(5000) },
        { ...base, extra: true },
        { ...base, minTier: 'diamondx' },
        { ...base, stock: 1.5 },
        { ...base, perMemberLimit: 0 },
        { ...base, audience: { tiers: ['nope'] } },
      ]) {
        const response = await http().post('/api/rewards').set(bearer(admin().token)).send(body);
        expect([response.status, body]).toEqual([400, body]);
      }
      expect(await rewards()).toBe(before);
      await http().patch(`/api/rewards/${reward.id}`).set(bearer(admin().token)).send({ stock: -1 }).expect(400);
      await http().patch(`/api/rewards/${reward.id}`).set(bearer(admin().token)).send({ 'stock.$': 1 }).expect(400);
      await http().patch('/api/rewards/not-an-id').set(bearer(admin().token)).send({ stock: 1 }).expect(400);
      await redeem(member, 'nope').expect(400);
      await http()
        .post(`/api/rewards/${reward.id}/redemptions`)
        .set(bearer(member.token))
        .send({ idempotencyKey: { $ne: 'x' } })
        .expect(400);
      await http()
        .post(`/api/rewards/${reward.id}/redemptions`)
        .set(bearer(member.token))
        .send({ idempotencyKey: 'k'.repeat(500) })
        .expect(400);
      await http()
        .post(`/api/redemptions/${'z'.repeat(5)}/cancel`)
        .set(bearer(member.token))
        .expect(400);
      await http().get('/api/redemptions?status=lost').set(bearer(admin().token)).expect(400);
      await http()
        .post(`/api/rewards/${reward.id}/codes`)
        .set(bearer(admin().token))
        .send({ codes: 'A1\nB2' })
        .expect(400); // not a code pool
      expect((await rewardDoc(reward.id))!.stock).toBe(3);
      expect(await balanceOf(member)).toBe(500);
      expect(await (await db()).collection('redemptions').countDocuments({ userId: new ObjectId(member.id) })).toBe(0);
    });
  });

  describe('PATCH with null', () => {
    const patch = (id: string, body: Record<string, unknown>) =>
      http().patch(`/api/rewards/${id}`).set(bearer(admin().token)).send(body);

    it.each(['name', 'description', 'kind', 'cost', 'active', 'audience', 'codePool'])(
      'refuses %s: null with 400 and changes nothing',
      async (field) => {
        const reward = await createReward({ stock: 4, perMemberLimit: 2 });
        const before = await rewardDoc(reward.id);
        const response = await patch(reward.id, { [field]: null }).expect(400);
        expect(response.body.message).toEqual([expect.stringMatching(new RegExp(`^${field} must not be null`))]);
        expect(await rewardDoc(reward.id)).toEqual(before);
      },
    );

    it('takes null for stock (unlimited), minTier and perMemberLimit (none)', async () => {
      const reward = await createReward({ stock: 4, minTier: 'gold', perMemberLimit: 2 });
      const edited = await patch(reward.id, { stock: null, minTier: null, perMemberLimit: null }).expect(200);
      expect(edited.body).toMatchObject({ stock: null, minTier: null, perMemberLimit: null, requiredTier: null });
      expect(await rewardDoc(reward.id)).toMatchObject({ stock: null, minTier: null, perMemberLimit: null });
      // One refused field refuses the whole edit.
      await patch(reward.id, { stock: 7, cost: null }).expect(400);
      expect((await rewardDoc(reward.id))!.stock).toBeNull();
    });
  });

  describe('GET /api/rewards a page at a time', () => {
    type Page = { items: Reward[]; nextCursor: string | null };
    async function walk(token: string, limit: number, all = false) {
      const pages: Page[] = [];
      let cursor: string | null = null;
      do {
        const query: Record<string, string | number> = {
          limit,
          ...(cursor ? { cursor } : {}),
          ...(all ? { all: 'true' } : {}),
        };
        const page = (await http().get('/api/rewards').query(query).set(bearer(token)).expect(200)).body as Page;
        expect(page.items.length).toBeLessThanOrEqual(limit);
        pages.push(page);
        cursor = page.nextCursor;
        expect(pages.length).toBeLessThan(1000);
      } while (cursor);
      return pages;
    }
    const idsOf = (pages: Page[]) => pages.flatMap((page) => page.items.map((item) => item.id));

    it('gives members the active rewards aimed at them, cheapest first, over pages without gaps', async () => {
      const organization = await createOrganization(admin());
      const forThem = (cost: number) => createReward({ cost, audience: { organizationIds: [organization.id] } });
      // Two cost the same: the cursor must still tell them apart.
      const mine = [await forThem(300), await forThem(120), await forThem(120), await forThem(50), await forThem(900)];
      const withdrawn = await forThem(60);
      await http().patch(`/api/rewards/${withdrawn.id}`).set(bearer(admin().token)).send({ active: false }).expect(200);
      const elsewhere = await createReward({ cost: 70 });
      const member = await registerMember(organization.inviteCode, 'pager');
      const pages = await walk(member.token, 2);
      const ids = idsOf(pages);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expect.arrayContaining(mine.map((r) => r.id)));
      expect(ids).not.toContain(withdrawn.id);
      expect(ids).not.toContain(elsewhere.id);
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(pages[pages.length - 1].nextCursor).toBeNull();
      const costs = pages.flatMap((page) => page.items.map((item) => item.cost as number));
      expect(costs).toEqual([...costs].sort((a, b) => a - b));
      expect(pages[0].items[0]).toHaveProperty('affordable');
    });

    it('gives admins every reward newest first, active ones or (all) withdrawn ones too, without gaps', async () => {
      const made = [await createReward(), await createReward(), await createReward()];
      await http().patch(`/api/rewards/${made[1].id}`).set(bearer(admin().token)).send({ active: false }).expect(200);
      for (const all of [false, true]) {
        const pages = await walk(admin().token, 2, all);
        const ids = idsOf(pages);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).toEqual([...ids].sort().reverse());
        expect(ids).toEqual(expect.arrayContaining([made[0].id, made[2].id]));
        expect(ids.includes(made[1].id)).toBe(all);
        expect(pages[pages.length - 1].nextCursor).toBeNull();
        const upTo = { _id: { $lte: new ObjectId(ids[0]) }, ...(all ? {} : { active: true }) };
        expect(ids.length).toBe(await (await db()).collection('rewards').countDocuments(upTo));
      }
      const member = await newMember();
      await http().get('/api/rewards').query({ cursor: 'nope' }).set(bearer(member.token)).expect(400);
      await http().get('/api/rewards').query({ cursor: '1_x' }).set(bearer(admin().token)).expect(400);
      await http().get('/api/rewards').query({ limit: 500 }).set(bearer(member.token)).expect(400);
    });
  });

  describe('code pools', () => {
    it('hands out each code once under concurrency, fulfilled at once, seen only by its member', async () => {
      const pool = await createReward({ cost: 20, codePool: true, kind: 'gift-card' });
      const codes = Array.from({ length: 15 }, (_, i) => `GIFT-${i}-${unique('c')}`);
      const pasted = await http()
        .post(`/api/rewards/${pool.id}/codes`)
        .set(bearer(admin().token))
        .send({ codes: codes.slice(0, 10).join('\n') + '\n' + codes[0] })
        .expect(200);
      expect(pasted.body).toEqual({ added: 10, duplicates: 1, stock: 10 });
      const csv = `code,value\n${codes
        .slice(10)
        .map((code) => `${code},25 EUR`)
        .join('\n')}\n${codes[3]},25 EUR\n`;
      const uploaded = await http()
        .post(`/api/rewards/${pool.id}/codes`)
        .set(bearer(admin().token))
        .send({ codes: csv })
        .expect(200);
      expect(uploaded.body).toEqual({ added: 5, duplicates: 1, stock: 15 });

      const members = await Promise.all(Array.from({ length: 20 }, () => newMember('shopper')));
      await Promise.all(members.map((member) => grant(member.id, 20)));
      const responses = await Promise.all(members.map((member) => redeem(member, pool.id)));
      const won = responses.filter((r) => r.status === 201);
      expect(won).toHaveLength(15);
      expect(responses.filter((r) => r.status === 409).every((r) => r.body.message === 'Out of stock')).toBe(true);
      expect(won.every((r) => r.body.status === 'fulfilled')).toBe(true);
      const handedOut = won.map((r) => r.body.code);
      expect(new Set(handedOut)).toEqual(new Set(codes));
      expect((await rewardDoc(pool.id))!.stock).toBe(0);
      const slots = await (
        await db()
      )
        .collection('reward_codes')
        .find({ rewardId: new ObjectId(pool.id) })
        .toArray();
      expect(new Set(slots.map((slot) => slot.redemptionId)).size).toBe(15);

      const winner = members[responses.findIndex((r) => r.status === 201)];
      const mine = (await http().get('/api/me/redemptions').set(bearer(winner.token))).body.items;
      expect(mine[0].code).toEqual(expect.stringMatching(/^GIFT-/));
      const queue = await http().get(`/api/redemptions?rewardId=${pool.id}`).set(bearer(admin().token)).expect(200);
      expect((queue.body.items as Array<{ code: string | null }>).every((item) => item.code === null)).toBe(true);
      // Fulfilled at once: no cancel, no reject.
      await http().post(`/api/redemptions/${mine[0].id}/cancel`).set(bearer(winner.token)).send({}).expect(409);
    }, 120_000);

    it('refuses a stock for a code pool (its stock is its codes)', async () => {
      const pool = await createReward({ codePool: true });
      await http().patch(`/api/rewards/${pool.id}`).set(bearer(admin().token)).send({ stock: 5 }).expect(400);
      await http()
        .post('/api/rewards')
        .set(bearer(admin().token))
        .send({ name: 'x', description: 'y', kind: 'gift-card', cost: 5, codePool: true, stock: 3 })
        .expect(400);
    });
  });
});

describe('redemptions across two hub instances (one database)', () => {
  useHub('redisA');
  const program = withProgram();

  it('400 concurrent redemptions split between two instances on one balance: exactly floor(balance / cost)', async () => {
    const member = await registerMember(program.organization.inviteCode, 'two-hubs');
    await http()
      .post('/api/points/adjustments')
      .set(bearer(program.admin.token))
      .send({ userId: member.id, amount: 1_000, reason: 'Test points', idempotencyKey: unique('grant') })
      .expect(201);
    const reward = (
      await http()
        .post('/api/rewards')
        .set(bearer(program.admin.token))
        .send({
          name: unique('Two'),
          description: 'd',
          kind: 'discount',
          cost: 30,
          stock: 1_000,
          audience: { organizationIds: [program.organization.id] },
        })
        .expect(201)
    ).body;
    const instances = [hubTarget('redisA').url, hubTarget('redisB').url];
    const responses = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        request(instances[i % 2])
          .post(`/api/rewards/${reward.id}/redemptions`)
          .set(bearer(member.token))
          .send({}),
      ),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(33);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(367);
    expect((await me(member)).points.balance).toBe(10);
    const stored = await (await db()).collection('rewards').findOne({ _id: new ObjectId(reward.id) });
    expect(stored!.stock).toBe(1_000 - 33);
    const fixed = (await runJob(program.admin, 'reconcile')).body.fixed as Array<{ userId: string }>;
    expect(fixed.filter((fix) => fix.userId === member.id)).toEqual([]);
  }, 120_000);
});
