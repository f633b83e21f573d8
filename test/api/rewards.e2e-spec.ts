import {
  bearer,
  collect,
  connectSocket,
  createOrganization,
  db,
  eventually,
  http,
  me,
  ObjectId,
  registerMember,
  runJob,
  Session,
  hubTarget,
  unique,
  useHub,
  withProgram,
} from '../utils/hub';
import { createHash } from 'node:crypto';
import request from 'supertest';

type Reward = { id: string; stock: number | null; [key: string]: unknown };

describe('rewards and redemptions', () => {
  const program = withProgram();
  const admin = () => program.admin;

  const grant = (userId: string, amount: number) =>
    http()
      .post('/api/points/adjustments')
      .set(bearer(admin().token))
      .send({ userId, amount, reason: 'Test points', idempotencyKey: unique('grant') })
      .expect(201);
  const createReward = async (body: Record<string, unknown> = {}): Promise<Reward> =>
    (
      await http()
        .post('/api/rewards')
        .set(bearer(admin().token))
        .send({
          name: unique('Reward'),
          description: 'Something nice',
          kind: 'gift-card',
          cost: 100,
          // Aimed at this suite's organization, so other suites' members never see it.
          audience: { organizationIds: [program.organization.id] },
          ...body,
        })
        .expect(201)
    ).body;
  const redeem = (member: Session, rewardId: string, idempotencyKey?: string) =>
    http()
      .post(`/api/rewards/${rewardId}/redemptions`)
      .set(bearer(member.token))
      .send(idempotencyKey ? { idempotencyKey } : {});
  /** Everyone this suite made, for the final check that the ledger equals their wallets. */
  const mine = new Set<string>();
  const newMember = async (label = 'redeemer') => {
    const member = await registerMember(program.organization.inviteCode, label);
    mine.add(member.id);
    return member;
  };
  const balanceOf = async (member: Session) => (await me(member)).points.balance as number;
  const rewardDoc = async (id: string) => (await db()).collection('rewards').findOne({ _id: new ObjectId(id) });
  const ledgerOf = async (member: Session) =>
    (await db())
      .collection('ledger')
      .find({ userId: new ObjectId(member.id) })
      .toArray();

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

  describe('redeeming', () => {
    it('debits the points, answers a retry with the same key with the same redemption (200), lists it', async () => {
      const member = await newMember();
      await grant(member.id, 250);
      const reward = await createReward({ cost: 100, stock: 4 });
      const first = await redeem(member, reward.id, 'phone-retry-1').expect(201);
      expect(first.body).toMatchObject({ id: expect.any(String), status: 'pending', cost: 100, rewardId: reward.id });
      const again = await redeem(member, reward.id, 'phone-retry-1').expect(200);
      expect(again.body.id).toBe(first.body.id);
      const other = await createReward({ cost: 10 });
      await redeem(member, other.id, 'phone-retry-1').expect(409); // one key, one request
      expect(await balanceOf(member)).toBe(150);
      expect((await rewardDoc(reward.id))!.stock).toBe(3);
      const mine = await http().get('/api/me/redemptions').set(bearer(member.token)).expect(200);
      expect(mine.body).toEqual({
        items: [expect.objectContaining({ id: first.body.id, status: 'pending' })],
        nextCursor: null,
      });
      const debits = (await ledgerOf(member)).filter((entry) => entry.kind === 'redeem');
      expect(debits.map((entry) => entry.amount)).toEqual([-100]);
    });

    it('one idempotency key sent 10 times at once makes one redemption and one debit', async () => {
      const member = await newMember();
      await grant(member.id, 1000);
      const reward = await createReward({ cost: 100 });
      const responses = await Promise.all(Array.from({ length: 10 }, () => redeem(member, reward.id, 'same-key')));
      expect(responses.map((r) => r.status).sort()).toEqual([...Array(9).fill(200), 201]);
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
      expect(await balanceOf(member)).toBe(900);
      expect((await ledgerOf(member)).filter((entry) => entry.kind === 'redeem')).toHaveLength(1);
    });

    it('1,000 concurrent redemptions on one balance: exactly floor(balance / cost) succeed, never below zero', async () => {
      const member = await newMember();
      const balance = 2_510;
      const cost = 25;
      await grant(member.id, balance);
      const reward = await createReward({ cost });
      const responses = await Promise.all(Array.from({ length: 1000 }, () => redeem(member, reward.id)));
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(Math.floor(balance / cost));
      expect(statuses.filter((s) => s === 409)).toHaveLength(1000 - Math.floor(balance / cost));
      const refusal = responses.find((r) => r.status === 409)!;
      expect(refusal.body.message).toMatch(/^Insufficient points/);
      expect(await balanceOf(member)).toBe(balance % cost);
      const wallet = await (await db()).collection('wallets').findOne({ _id: new ObjectId(member.id) });
      expect(wallet!.balance).toBe(balance % cost);
      const entries = await ledgerOf(member);
      expect(entries.reduce((sum, entry) => sum + entry.amount, 0)).toBe(balance % cost);
      expect(entries.filter((entry) => entry.kind === 'redeem')).toHaveLength(Math.floor(balance / cost));
    }, 240_000);

    it('50 members racing for a stock of 10: exactly 10 get one, the rest hear "Out of stock"', async () => {
      const reward = await createReward({ cost: 50, stock: 10, kind: 'experience' });
      const members: Session[] = [];
      for (let i = 0; i < 50; i += 10) {
        members.push(...(await Promise.all(Array.from({ length: 10 }, () => newMember('racer')))));
      }
      await Promise.all(members.map((member) => grant(member.id, 100)));
      const responses = await Promise.all(members.map((member) => redeem(member, reward.id)));
      expect(responses.filter((r) => r.status === 201)).toHaveLength(10);
      const refused = responses.filter((r) => r.status === 409);
      expect(refused).toHaveLength(40);
      expect(new Set(refused.map((r) => r.body.message))).toEqual(new Set(['Out of stock']));
      expect((await rewardDoc(reward.id))!.stock).toBe(0);
      const balances = await Promise.all(members.map(balanceOf));
      expect(balances.filter((b) => b === 50)).toHaveLength(10);
      expect(balances.filter((b) => b === 100)).toHaveLength(40);
    }, 120_000);

    it('10 parallel redemptions by one member with a limit of 2: exactly 2', async () => {
      const member = await newMember();
      await grant(member.id, 1000);
      const reward = await createReward({ cost: 10, perMemberLimit: 2, stock: 100 });
      const responses = await Promise.all(Array.from({ length: 10 }, () => redeem(member, reward.id)));
      expect(responses.filter((r) => r.status === 201)).toHaveLength(2);
      const refused = responses.filter((r) => r.status === 409);
      expect(refused).toHaveLength(8);
      expect(refused.every((r) => /^Limit reached/.test(r.body.message))).toBe(true);
      expect(await balanceOf(member)).toBe(980);
      expect((await rewardDoc(reward.id))!.stock).toBe(98);
      const listed = (await http().get('/api/rewards').set(bearer(member.token))).body.items as Reward[];
      expect(listed.find((r) => r.id === reward.id)).toMatchObject({ redeemedByMe: 2 });
    });

    it('tells apart "not enough points", "out of stock" and "limit reached"', async () => {
      const member = await newMember();
      await grant(member.id, 120);
      const dear = await createReward({ cost: 500 });
      const soldOut = await createReward({ cost: 10, stock: 0 });
      const once = await createReward({ cost: 10, perMemberLimit: 1 });
      expect((await redeem(member, dear.id).expect(409)).body.message).toBe(
        'Insufficient points: 380 more points needed',
      );
      expect((await redeem(member, soldOut.id).expect(409)).body.message).toBe('Out of stock');
      await redeem(member, once.id).expect(201);
      expect((await redeem(member, once.id).expect(409)).body.message).toBe('Limit reached: at most 1 per member');
      expect(await balanceOf(member)).toBe(110);
    });
  });

  describe('fulfilment', () => {
    it('10 parallel fulfil / reject / cancel calls: one transition and at most one refund', async () => {
      const member = await newMember();
      await grant(member.id, 300);
      const reward = await createReward({ cost: 100, stock: 5, perMemberLimit: 3 });
      for (let round = 0; round < 3; round++) {
        const { id } = (await redeem(member, reward.id).expect(201)).body;
        const calls = Array.from({ length: 10 }, (_, i) => {
          if (i % 3 === 0) return http().post(`/api/redemptions/${id}/cancel`).set(bearer(member.token)).send({});
          const action = i % 3 === 1 ? 'fulfil' : 'reject';
          return http().post(`/api/redemptions/${id}/${action}`).set(bearer(admin().token)).send({ note: 'busy' });
        });
        const responses = await Promise.all(calls);
        expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
        expect(responses.filter((r) => r.status === 409)).toHaveLength(9);
      }
      const entries = await ledgerOf(member);
      const refunds = entries.filter((entry) => entry.kind === 'refund');
      const redemptions = await (
        await db()
      )
        .collection('redemptions')
        .find({ userId: new ObjectId(member.id) })
        .toArray();
      const givenBack = redemptions.filter((r) => r.state === 'rejected' || r.state === 'cancelled');
      expect(refunds).toHaveLength(givenBack.length);
      expect(new Set(refunds.map((entry) => entry.source.id)).size).toBe(refunds.length);
      const fulfilled = redemptions.filter((r) => r.state === 'fulfilled').length;
      expect(await balanceOf(member)).toBe(300 - 100 * fulfilled);
      expect((await rewardDoc(reward.id))!.stock).toBe(5 - fulfilled);
      const holding = await (
        await db()
      )
        .collection('reward_holdings')
        .findOne({ _id: `${reward.id}|${member.id}` as never });
      expect(holding!.count).toBe(fulfilled);
    });

    it('tells the member live and in the inbox; the queue filters by status and reward; CSV of pending', async () => {
      const member = await newMember('fan');
      await grant(member.id, 500);
      const reward = await createReward({ cost: 100, kind: 'discount' });
      const other = await createReward({ cost: 100, kind: 'early-access' });
      const socket = await connectSocket(member.token);
      const updates = collect(socket, 'redemption.updated');
      try {
        const a = (await redeem(member, reward.id).expect(201)).body;
        const b = (await redeem(member, reward.id).expect(201)).body;
        const c = (await redeem(member, other.id).expect(201)).body;
        const queue = await http()
          .get(`/api/redemptions?status=pending&rewardId=${reward.id}`)
          .set(bearer(admin().token))
          .expect(200);
        expect((queue.body.items as Array<{ id: string }>).map((item) => item.id)).toEqual([a.id, b.id]);
        expect(queue.body.items[0].member).toEqual({ id: member.id, displayName: 'fan person', email: member.email });
        const csv = await http()
          .get(`/api/redemptions.csv?rewardId=${reward.id}`)
          .set(bearer(admin().token))
          .expect(200);
        expect(csv.headers['content-type']).toMatch(/^text\/csv/);
        const lines = csv.text.trim().split('\r\n');
        expect(lines[0]).toBe('redemptionId,createdAt,status,reward,kind,cost,member,email,note');
        expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual([a.id, b.id]);

        await http()
          .post(`/api/redemptions/${a.id}/fulfil`)
          .set(bearer(admin().token))
          .send({ note: 'Code sent by email' })
          .expect(200);
        await http()
          .post(`/api/redemptions/${b.id}/reject`)
          .set(bearer(admin().token))
          .send({ note: 'Not in your region' })
          .expect(200);
        await http().post(`/api/redemptions/${c.id}/cancel`).set(bearer(member.token)).send({}).expect(200);
        const after = await http()
          .get(`/api/redemptions.csv?rewardId=${reward.id}`)
          .set(bearer(admin().token))
          .expect(200);
        expect(after.text.trim().split('\r\n')).toHaveLength(1); // only pending ones by default
        await eventually(() => updates.length >= 3);
        expect(updates.map((u) => [u.id, u.status])).toEqual([
          [a.id, 'fulfilled'],
          [b.id, 'rejected'],
          [c.id, 'cancelled'],
        ]);
        const inbox = await http().get('/api/me/notifications').set(bearer(member.token)).expect(200);
        const types = (inbox.body.items as Array<{ type: string }>).map((n) => n.type);
        expect(types).toEqual(
          expect.arrayContaining(['redemption.fulfilled', 'redemption.rejected', 'redemption.cancelled']),
        );
        expect(await balanceOf(member)).toBe(400);
        const mine = (await http().get('/api/me/redemptions').set(bearer(member.token))).body.items;
        expect(mine.find((r: { id: string }) => r.id === b.id)).toMatchObject({
          status: 'rejected',
          note: 'Not in your region',
        });
        // Another member cannot cancel it, and a decided one stays decided.
        const stranger = await newMember();
        await http().post(`/api/redemptions/${a.id}/cancel`).set(bearer(stranger.token)).send({}).expect(404);
        await http().post(`/api/redemptions/${a.id}/reject`).set(bearer(admin().token)).send({}).expect(409);
      } finally {
        socket.close();
      }
    });

    it('a donation shows what members have given so far', async () => {
      const donation = await createReward({ kind: 'donation', cost: 40 });
      const givers = await Promise.all([newMember(), newMember()]);
      for (const giver of givers) {
        await grant(giver.id, 100);
        await redeem(giver, donation.id).expect(201);
      }
      const listed = (await http().get('/api/rewards').set(bearer(givers[0].token))).body.items as Reward[];
      expect(listed.find((r) => r.id === donation.id)).toMatchObject({ given: { points: 80, donations: 2 } });
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

  describe('crash recovery (the sweep)', () => {
    it('undoes a redemption left mid-way: stock back, nothing spent, the retry hears it was interrupted', async () => {
      const member = await newMember();
      await grant(member.id, 100);
      const reward = await createReward({ cost: 40, stock: 3 });
      // What a request that died after taking stock leaves: the record, and the stock with its guard.
      // The redemption's `_id` (member + key) and its guard's place, as the hub computes them
      // (api/src/rewards/redemption-rules.ts, api/src/database/guards.ts).
      const redemptionId = (userId: string, key: string) =>
        createHash('sha256').update(`${userId}\n${key}`).digest('hex').slice(0, 32);
      const guardPath = (hex: string) => `applied.s${Math.floor(parseInt(hex.slice(0, 8), 16) / 600)}.${hex}`;
      const token = new ObjectId();
      const id = redemptionId(member.id, 'crashed');
      const past = new Date(Date.now() - 10 * 60_000);
      await (await db()).collection('redemptions').insertOne({
        _id: id as never,
        token,
        userId: new ObjectId(member.id),
        organizationId: new ObjectId(program.organization.id),
        rewardId: new ObjectId(reward.id),
        rewardName: 'crashed',
        rewardKind: 'gift-card',
        cost: 40,
        idempotencyKey: 'crashed',
        state: 'reserving',
        plan: { stock: true, limit: null, codePool: false },
        owner: 'dead-process',
        lockedUntil: past,
        failure: null,
        code: null,
        codeSlot: null,
        note: null,
        decidedBy: null,
        decidedAt: null,
        settleToken: null,
        settled: true,
        createdAt: past,
        updatedAt: past,
      });
      await (
        await db()
      )
        .collection('rewards')
        .updateOne(
          { _id: new ObjectId(reward.id) },
          { $inc: { stock: -1 }, $set: { [guardPath(token.toHexString())]: true } },
        );
      const report = await runJob(admin(), 'finish-redemptions');
      expect(report.body).toMatchObject({ undone: 1 });
      expect((await runJob(admin(), 'finish-redemptions')).body).toMatchObject({ undone: 0 });
      expect((await rewardDoc(reward.id))!.stock).toBe(3);
      expect(await balanceOf(member)).toBe(100);
      const retry = await redeem(member, reward.id, 'crashed').expect(409);
      expect(retry.body.message).toMatch(/interrupted/);
    });

    it('the ledger equals the wallets after all of it (reconcile reports no drift)', async () => {
      const report = await runJob(admin(), 'reconcile');
      // Other suites share the database; none of this suite's members may have drifted.
      const drifted = (report.body.fixed as Array<{ userId: string }>).filter((fix) => mine.has(fix.userId));
      expect(drifted).toEqual([]);
      expect(mine.size).toBeGreaterThan(50);
    }, 120_000);
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

describe('referrals', () => {
  const program = withProgram();
  const register = (referralCode?: string, label = 'referee') =>
    http()
      .post('/api/auth/register')
      .send({
        email: `${unique(label)}@example.test`,
        password: 'member-password',
        displayName: `${label} person`,
        inviteCode: program.organization.inviteCode,
        ...(referralCode ? { referralCode } : {}),
      });
  const lesson = (userId: string) =>
    http()
      .post('/api/activities')
      .set(bearer(program.admin.token))
      .send({ userId, type: 'lesson.completed', idempotencyKey: unique('lesson') })
      .expect(201);
  const conversions = async (referrerId: string) =>
    (await db())
      .collection('ledger')
      .find({ userId: new ObjectId(referrerId), 'source.type': 'referral.converted' })
      .toArray();

  it('gives each member a short unambiguous code and a link that fills the form', async () => {
    const member = await registerMember(program.organization.inviteCode, 'referrer');
    const first = await http().get('/api/me/referral').set(bearer(member.token)).expect(200);
    expect(first.body).toEqual({
      code: expect.stringMatching(/^[2-9A-HJKMNP-Z]{7}$/),
      url: expect.stringMatching(new RegExp(`/register\\?ref=${first.body.code}$`)),
      conversions: 0,
      referrals: [],
    });
    const again = await Promise.all(
      Array.from({ length: 5 }, () => http().get('/api/me/referral').set(bearer(member.token))),
    );
    expect(new Set(again.map((r) => r.body.code))).toEqual(new Set([first.body.code]));
  });

  it('converts once, on the referee’s first activity, and tells the referrer', async () => {
    const referrer = await registerMember(program.organization.inviteCode, 'referrer');
    const { code } = (await http().get('/api/me/referral').set(bearer(referrer.token))).body;
    const socket = await connectSocket(referrer.token);
    const notes = collect(socket, 'notification');
    try {
      const referee = (await register(code.toLowerCase()).expect(201)).body.user;
      expect(await conversions(referrer.id)).toHaveLength(0);
      await Promise.all([lesson(referee.id), lesson(referee.id), lesson(referee.id)]);
      await lesson(referee.id);
      const entries = await conversions(referrer.id);
      expect(entries.map((entry) => entry.amount)).toEqual([250]);
      const mine = (await http().get('/api/me/referral').set(bearer(referrer.token))).body;
      expect(mine).toMatchObject({
        conversions: 1,
        referrals: [expect.objectContaining({ status: 'converted', points: 250 })],
      });
      await eventually(() => notes.some((n) => n.type === 'referral.converted'));
      // The referee earned only their own lessons.
      expect((await conversions(referee.id)).length).toBe(0);
    } finally {
      socket.close();
    }
  });

  it('refuses an unknown code with a clear 400 and creates no account', async () => {
    const email = `${unique('nobody')}@example.test`;
    const response = await http().post('/api/auth/register').send({
      email,
      password: 'member-password',
      displayName: 'Nobody',
      inviteCode: program.organization.inviteCode,
      referralCode: 'ZZZZZZZ',
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/referralCode/);
    expect(await (await db()).collection('users').countDocuments({ email })).toBe(0);
  });

  it('never converts for oneself', async () => {
    const member = await registerMember(program.organization.inviteCode, 'selfish');
    const { code } = (await http().get('/api/me/referral').set(bearer(member.token))).body;
    // Only the database can make someone their own referee: the API never does.
    await (
      await db()
    )
      .collection('users')
      .updateOne({ _id: new ObjectId(member.id) }, { $set: { referredByCode: code } });
    await (await db()).collection('referrals').insertOne({
      _id: new ObjectId(member.id),
      referrerId: new ObjectId(member.id),
      code,
      status: 'joined',
      joinedAt: new Date(),
      convertedAt: null,
      points: 0,
    });
    await lesson(member.id);
    expect(await conversions(member.id)).toHaveLength(0);
  });
});
