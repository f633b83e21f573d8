import { DateTime } from 'luxon';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../utils/hub-process';
import {
  bearer,
  collect,
  connectSocket,
  createApiKey,
  createStaff,
  db,
  http,
  hubTarget,
  me,
  ObjectId,
  postActivity,
  registerMember,
  runJob,
  settle,
  unique,
  withProgram,
} from '../utils/hub';

describe('engagement engine', () => {
  const program = withProgram();
  let apiKey: string;

  beforeAll(async () => {
    apiKey = await createApiKey(program.admin);
  });

  const newMember = () => registerMember(program.organization.inviteCode, 'engine');
  const adjust = (userId: string, amount: number) =>
    http()
      .post('/api/points/adjustments')
      .set(bearer(program.admin.token))
      .send({ userId, amount, reason: 'test', idempotencyKey: unique('adj') })
      .expect(201);

  describe('API keys', () => {
    it('refuses a missing or wrong key with 401, and a revoked one', async () => {
      const member = await newMember();
      const body = { userId: member.id, type: 'contract.renewed', idempotencyKey: unique('k') };
      await http().post('/api/activities').send(body).expect(401);
      await http().post('/api/activities').set('X-Api-Key', 'ehk_wrong').send(body).expect(401);
      const revocable = await http()
        .post('/api/api-keys')
        .set(bearer(program.admin.token))
        .send({ name: 'old' })
        .expect(201);
      await http().delete(`/api/api-keys/${revocable.body.id}`).set(bearer(program.admin.token)).expect(204);
      await http().post('/api/activities').set('X-Api-Key', revocable.body.key).send(body).expect(401);
      expect(await (await db()).collection('ledger').countDocuments({ userId: new ObjectId(member.id) })).toBe(0);
    });

    it.each([
      ['GET', '/api/me'],
      ['GET', '/api/rules'],
      ['GET', '/api/organizations'],
      ['POST', '/api/points/adjustments'],
      ['POST', '/api/challenges'],
      ['POST', '/api/admin/jobs/reconcile'],
    ])('cannot call %s %s', async (method, path) => {
      const call = method === 'GET' ? http().get(path) : http().post(path).send({});
      expect((await call.set('X-Api-Key', apiKey)).status).toBe(401);
    });

    it('records for a member by email, and a manager may record too, but not a member', async () => {
      const member = await newMember();
      const byKey = await postActivity(apiKey, { email: member.email, type: 'contract.renewed' }).expect(201);
      expect(byKey.body).toEqual({ activityId: expect.any(String), pointsAwarded: 500, duplicate: false });
      const manager = await createStaff(program.admin, program.organization.inviteCode, ['manager']);
      const byManager = await http()
        .post('/api/activities')
        .set(bearer(manager.token))
        .send({ userId: member.id, type: 'event.attended', idempotencyKey: unique('mgr') })
        .expect(201);
      expect(byManager.body.pointsAwarded).toBe(75);
      await http()
        .post('/api/activities')
        .set(bearer(member.token))
        .send({ userId: member.id, type: 'contract.renewed', idempotencyKey: unique('self') })
        .expect(403); // members cannot award themselves
      const stored = await (await db()).collection('ledger').findOne({ 'source.id': byManager.body.activityId });
      expect(stored?.activity?.reportedBy).toEqual({ kind: 'user', id: manager.id });
    });
  });

  describe('input', () => {
    it.each([
      ['an activity type no rule names', { type: 'coffee.drunk' }],
      ['a per-value type without a value', { type: 'purchase.recorded' }],
      ['a future occurredAt', { type: 'contract.renewed', occurredAt: DateTime.now().plus({ days: 1 }).toISO() }],
      ['a negative value', { type: 'purchase.recorded', value: -5 }],
      ['nested metadata', { type: 'contract.renewed', metadata: { deep: { x: 1 } } }],
      ['an operator in metadata', { type: 'contract.renewed', metadata: { $where: '1' } }],
    ])('refuses %s with 400 and records nothing', async (_what, body) => {
      const member = await newMember();
      const response = await postActivity(apiKey, { userId: member.id, ...body });
      expect(response.status).toBe(400);
      expect(await (await db()).collection('ledger').countDocuments({ userId: new ObjectId(member.id) })).toBe(0);
    });

    it('needs exactly one of userId and email, and a known member', async () => {
      const member = await newMember();
      await postActivity(apiKey, { type: 'contract.renewed' }).expect(400);
      await postActivity(apiKey, { userId: member.id, email: member.email, type: 'contract.renewed' }).expect(400);
      await postActivity(apiKey, { email: 'nobody@example.test', type: 'contract.renewed' }).expect(404);
    });
  });

  it('records and awards once under 50 concurrent duplicates', async () => {
    const member = await newMember();
    const idempotencyKey = unique('dup');
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        postActivity(apiKey, { userId: member.id, type: 'purchase.recorded', value: 40, idempotencyKey }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([...Array(49).fill(200), 201]);
    expect(new Set(responses.map((r) => r.body.activityId)).size).toBe(1);
    expect(responses.every((r) => r.body.pointsAwarded === 40)).toBe(true);
    expect(responses.filter((r) => r.body.duplicate === true)).toHaveLength(49);
    const database = await db();
    expect(await database.collection('ledger').countDocuments({ idempotencyKey: `activity:${idempotencyKey}` })).toBe(
      1,
    );
    expect(await database.collection('ledger').countDocuments({ userId: new ObjectId(member.id) })).toBe(1);
    expect((await me(member)).points.balance).toBe(40);
  });

  it('applies the daily cap, even to concurrent activities', async () => {
    const member = await newMember();
    const awarded = [];
    for (let i = 0; i < 7; i++) {
      awarded.push(
        (await postActivity(apiKey, { userId: member.id, type: 'lesson.completed' }).expect(201)).body.pointsAwarded,
      );
    }
    expect(awarded).toEqual([20, 20, 20, 20, 20, 0, 0]); // 100 a day

    const other = await newMember();
    const burst = await Promise.all(
      Array.from({ length: 10 }, () => postActivity(apiKey, { userId: other.id, type: 'lesson.completed' })),
    );
    expect(burst.reduce((sum, r) => sum + r.body.pointsAwarded, 0)).toBe(100);
    expect((await me(other)).points.balance).toBe(100);
  });

  it('answers a late replay of a capped activity as a duplicate, even once the cap has room again', async () => {
    const member = await newMember();
    const yesterday = DateTime.now().minus({ days: 1 }).toISO();
    for (let i = 0; i < 5; i++) {
      await postActivity(apiKey, { userId: member.id, type: 'lesson.completed', occurredAt: yesterday }).expect(201);
    }
    const key = unique('capped');
    const capped = await postActivity(apiKey, {
      userId: member.id,
      type: 'lesson.completed',
      occurredAt: yesterday,
      idempotencyKey: key,
    });
    expect(capped.status).toBe(201);
    expect(capped.body.pointsAwarded).toBe(0);
    // The same activity again, today (a fresh day's cap): still the same activity, still nothing.
    const replay = await postActivity(apiKey, {
      userId: member.id,
      type: 'lesson.completed',
      idempotencyKey: key,
    }).expect(200);
    expect(replay.body).toEqual({ activityId: capped.body.activityId, pointsAwarded: 0, duplicate: true });
    expect((await me(member)).points.balance).toBe(100);
    const statement = await http().get('/api/me/ledger').set(bearer(member.token));
    expect(statement.body.items[0]).toMatchObject({ amount: 0, reason: expect.stringContaining('Limit reached') });
  });

  it('counts caps in the member’s organization time zone', async () => {
    const tokyo = await http()
      .post('/api/organizations')
      .set(bearer(program.admin.token))
      .send({ name: unique('Tokyo'), timezone: 'Asia/Tokyo' })
      .expect(201);
    const member = await registerMember(tokyo.body.inviteCode, 'tokyo');
    // 23:00 and 23:50 on one Tokyo day; 00:10 the next Tokyo day (all the same UTC day).
    const day = DateTime.now().setZone('Asia/Tokyo').minus({ days: 2 }).set({ hour: 23, minute: 0 });
    const at = (local: DateTime) => local.toUTC().toISO();
    for (let i = 0; i < 5; i++)
      await postActivity(apiKey, { userId: member.id, type: 'lesson.completed', occurredAt: at(day) });
    const sameDay = await postActivity(apiKey, {
      userId: member.id,
      type: 'lesson.completed',
      occurredAt: at(day.plus({ minutes: 50 })),
    });
    const nextDay = await postActivity(apiKey, {
      userId: member.id,
      type: 'lesson.completed',
      occurredAt: at(day.plus({ minutes: 70 })),
    });
    expect(sameDay.body.pointsAwarded).toBe(0);
    expect(nextDay.body.pointsAwarded).toBe(20);
  });

  it('multiplies by the member’s tier', async () => {
    const member = await newMember();
    await adjust(member.id, 5000); // Gold
    expect((await me(member)).tier.key).toBe('gold');
    const lesson = await postActivity(apiKey, { userId: member.id, type: 'lesson.completed' }).expect(201);
    expect(lesson.body.pointsAwarded).toBe(25); // 20 × 1.25
    const sale = await postActivity(apiKey, { userId: member.id, type: 'purchase.recorded', value: 100 }).expect(201);
    expect(sale.body.pointsAwarded).toBe(125);
  });

  it('awards a badge exactly once when concurrent activities meet its criteria', async () => {
    const member = await newMember();
    const bystander = await newMember();
    const socket = await connectSocket(member.token);
    const bystanderSocket = await connectSocket(bystander.token);
    const badges = collect(socket, 'badge.earned');
    const stray = collect(bystanderSocket, 'badge.earned');
    try {
      await Promise.all(
        Array.from({ length: 5 }, () => postActivity(apiKey, { userId: member.id, type: 'lesson.completed' })),
      );
      await settle();
      const held = await http().get('/api/me/badges').set(bearer(member.token)).expect(200);
      expect(held.body.items).toEqual([{ key: 'first-steps', name: 'First steps', earnedAt: expect.any(String) }]);
      expect(badges).toEqual([{ key: 'first-steps', name: 'First steps', description: 'Complete your first lesson.' }]);
      expect(stray).toEqual([]);
      const inbox = await http().get('/api/me/notifications').set(bearer(member.token)).expect(200);
      expect(inbox.body.items.filter((n: { type: string }) => n.type === 'badge.earned')).toHaveLength(1);
    } finally {
      socket.close();
      bystanderSocket.close();
    }
  });

  it('counts distinct courses and lifetime points towards badges, with progress', async () => {
    const member = await newMember();
    for (const slug of ['heat-pumps', 'heat-pumps', 'solar']) {
      await postActivity(apiKey, {
        userId: member.id,
        type: 'course.completed',
        metadata: { courseSlug: slug },
      }).expect(201);
    }
    const progress = await http().get('/api/me/progress').set(bearer(member.token)).expect(200);
    expect(progress.body.badges).toEqual(
      expect.arrayContaining([{ key: 'scholar', name: 'Scholar', progress: 2, goal: 3 }]),
    );
    await postActivity(apiKey, {
      userId: member.id,
      type: 'course.completed',
      metadata: { courseSlug: 'boilers' },
    }).expect(201);
    await adjust(member.id, 5000);
    const held = (await http().get('/api/me/badges').set(bearer(member.token))).body.items.map(
      (b: { key: string }) => b.key,
    );
    expect(held).toEqual(expect.arrayContaining(['scholar', 'high-flyer']));
    expect(progress.body).toMatchObject({
      tier: { key: 'member' },
      nextTier: { key: 'silver' },
      pointsToNextTier: 700,
    });
  });

  describe('tiers', () => {
    it('rises as soon as the threshold is crossed, and tells the member', async () => {
      const member = await newMember();
      const other = await newMember();
      const socket = await connectSocket(member.token);
      const otherSocket = await connectSocket(other.token);
      const changes = collect(socket, 'tier.changed');
      const stray = collect(otherSocket, 'tier.changed');
      try {
        await postActivity(apiKey, { userId: member.id, type: 'purchase.recorded', value: 999 }).expect(201);
        expect((await me(member)).tier.key).toBe('member');
        await postActivity(apiKey, { userId: member.id, type: 'purchase.recorded', value: 1 }).expect(201);
        expect((await me(member)).tier).toEqual({ key: 'silver', name: 'Silver' });
        await settle();
        expect(changes).toEqual([{ from: 'member', to: 'silver' }]);
        expect(stray).toEqual([]);
      } finally {
        socket.close();
        otherSocket.close();
      }
    });

    it('does not fall when points are spent', async () => {
      const member = await newMember();
      await adjust(member.id, 1200);
      await adjust(member.id, -1100);
      const after = await me(member);
      expect(after.tier.key).toBe('silver');
      expect(after.points).toEqual({ balance: 100, lifetime: 1200, qualifying: 1200 });
    });

    it('falls only through the review, after the grace period', async () => {
      const member = await newMember();
      await adjust(member.id, 1500);
      const later = DateTime.now().plus({ months: 13 });
      const first = await runJob(program.admin, 'review-tiers', later.toJSDate());
      expect(first.body.graceStarted).toBeGreaterThanOrEqual(1);
      expect((await me(member)).tier.key).toBe('silver'); // in grace
      const second = await runJob(program.admin, 'review-tiers', later.plus({ days: 31 }).toJSDate());
      expect(second.body.downgraded).toBeGreaterThanOrEqual(1);
      expect((await me(member)).tier.key).toBe('member');
      const inbox = await http().get('/api/me/notifications').set(bearer(member.token));
      expect(inbox.body.items[0]).toMatchObject({ type: 'tier.changed', title: 'Tier review: Member' });
      await runJob(program.admin, 'review-tiers'); // back to the present for the other tests
    });
  });

  it('expires unspent points past their lifetime, once, net of what was spent', async () => {
    const old = DateTime.now().minus({ months: 25 }).toISO();
    const saver = await newMember();
    const spender = await newMember();
    await postActivity(apiKey, { userId: saver.id, type: 'purchase.recorded', value: 300, occurredAt: old }).expect(
      201,
    );
    await postActivity(apiKey, { userId: saver.id, type: 'purchase.recorded', value: 100 }).expect(201);
    await postActivity(apiKey, { userId: spender.id, type: 'purchase.recorded', value: 300, occurredAt: old }).expect(
      201,
    );
    await adjust(spender.id, -250);
    expect((await me(saver)).points).toEqual({ balance: 400, lifetime: 400, qualifying: 100 }); // old points do not qualify

    await runJob(program.admin, 'expire-points');
    expect((await me(saver)).points.balance).toBe(100);
    expect((await me(spender)).points.balance).toBe(0);
    const statement = await http().get('/api/me/ledger').set(bearer(saver.token));
    expect(statement.body.items[0]).toMatchObject({
      kind: 'expire',
      amount: -300,
      source: { type: 'expiry', id: null },
    });

    await runJob(program.admin, 'expire-points'); // again: nothing more
    expect((await me(saver)).points.balance).toBe(100);
    expect(
      await (await db()).collection('ledger').countDocuments({ userId: new ObjectId(saver.id), kind: 'expire' }),
    ).toBe(1);
  });

  it('reconcile rebuilds a tampered wallet from the ledger and reports it', async () => {
    const member = await newMember();
    await postActivity(apiKey, { userId: member.id, type: 'purchase.recorded', value: 70 }).expect(201);
    await (
      await db()
    )
      .collection('wallets')
      .updateOne({ _id: new ObjectId(member.id) }, { $set: { balance: 999_999, lifetime: 3 } });
    const report = await runJob(program.admin, 'reconcile');
    expect(report.body.fixed).toEqual(
      expect.arrayContaining([
        {
          userId: member.id,
          stored: { balance: 999_999, lifetime: 3, qualifying: 70 },
          fromLedger: { balance: 70, lifetime: 70, qualifying: 70 },
        },
      ]),
    );
    expect((await me(member)).points).toEqual({ balance: 70, lifetime: 70, qualifying: 70 });
    expect((await runJob(program.admin, 'reconcile')).body.fixed).toEqual([]);
  });

  it('the reconcile CLI fixes drift and says what it fixed', async () => {
    const member = await newMember();
    await postActivity(apiKey, { userId: member.id, type: 'purchase.recorded', value: 45 }).expect(201);
    await (await db()).collection('wallets').updateOne({ _id: new ObjectId(member.id) }, { $inc: { balance: 5 } });
    const cli = spawnSync(process.execPath, [join(REPO_ROOT, 'api', 'dist', 'cli', 'main.js'), 'reconcile'], {
      // The CLI uses the Redis the hub uses: none for this MongoDB-only hub.
      env: { ...process.env, MONGODB_URI: hubTarget().mongoUri, REDIS_URL: 'none', LOG_LEVEL: 'error' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/Read \d+ ledger entries once; checked \d+ wallets; fixed [1-9]\d*\./);
    expect(cli.stdout).toContain(
      `${member.id}: stored {"balance":50,"lifetime":45,"qualifying":45} → ledger {"balance":45`,
    );
    expect((await me(member)).points.balance).toBe(45);
  });

  it('serves the rules in force and the badges', async () => {
    const rules = (await http().get('/api/rules').set(bearer(program.admin.token)).expect(200)).body.items;
    const types = rules.map((r: { activityType: string }) => r.activityType);
    for (const type of [
      'lesson.completed',
      'course.completed',
      'quiz.passed',
      'challenge.completed',
      'event.attended',
      'feedback.submitted',
      'referral.converted',
      'purchase.recorded',
      'contract.renewed',
    ]) {
      expect(types).toContain(type);
    }
    expect(rules.find((r: { activityType: string }) => r.activityType === 'purchase.recorded')).toMatchObject({
      per: 'value',
      points: 1,
    });
    expect(rules.find((r: { activityType: string }) => r.activityType === 'purchase.recorded').caps).toBeUndefined();
    expect(rules.find((r: { activityType: string }) => r.activityType === 'lesson.completed').caps).toEqual({
      day: 100,
    });
    const badges = (await http().get('/api/badges').set(bearer(program.admin.token)).expect(200)).body.items;
    expect(badges.length).toBeGreaterThanOrEqual(5);
  });

  it('keeps an inbox with an unread count, read per item or all at once, and only one’s own', async () => {
    const member = await newMember();
    const other = await newMember();
    await adjust(member.id, 1000); // tier notification
    await postActivity(apiKey, { userId: member.id, type: 'lesson.completed' }); // badge notification
    let inbox = (await http().get('/api/me/notifications').set(bearer(member.token)).expect(200)).body;
    expect(inbox.unread).toBe(2);
    expect(inbox.items[0]).toMatchObject({ readAt: null, tip: expect.stringMatching(/^Did you know/) });
    await http()
      .post('/api/me/notifications/read')
      .set(bearer(other.token))
      .send({ ids: [inbox.items[0].id] })
      .expect(204);
    expect((await http().get('/api/me/notifications').set(bearer(member.token))).body.unread).toBe(2);
    await http()
      .post('/api/me/notifications/read')
      .set(bearer(member.token))
      .send({ ids: [inbox.items[0].id] })
      .expect(204);
    expect((await http().get('/api/me/notifications').set(bearer(member.token))).body.unread).toBe(1);
    await http().post('/api/me/notifications/read').set(bearer(member.token)).send({}).expect(204);
    inbox = (await http().get('/api/me/notifications').set(bearer(member.token))).body;
    expect(inbox.unread).toBe(0);
    expect(inbox.items.every((n: { readAt: string | null }) => n.readAt)).toBe(true);
  });
});
