import {
  bearer,
  collect,
  connectSocket,
  db,
  eventually,
  http,
  ObjectId,
  runJob,
  Session,
  withProgram,
} from '../utils/hub';
import { createHash } from 'node:crypto';
import { rewardsWorld, type Reward } from '../utils/rewards';

describe('rewards and redemptions', () => {
  const program = withProgram();
  const { admin, grant, createReward, redeem, mine, newMember, balanceOf, rewardDoc, ledgerOf } = rewardsWorld(program);

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
