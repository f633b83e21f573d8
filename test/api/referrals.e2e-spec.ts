import {
  bearer,
  collect,
  connectSocket,
  db,
  eventually,
  http,
  me,
  ObjectId,
  registerMember,
  unique,
  withProgram,
} from '../utils/hub';

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

  it('caps referral points at 1,000 a month (rules.yaml) and still tells the referrer of every conversion', async () => {
    const referrer = await registerMember(program.organization.inviteCode, 'popular');
    const { code } = (await http().get('/api/me/referral').set(bearer(referrer.token))).body;
    const socket = await connectSocket(referrer.token);
    const notes = collect(socket, 'notification');
    try {
      const referees: Array<{ id: string }> = [];
      for (let i = 0; i < 6; i++) referees.push((await register(code, `referee${i}`).expect(201)).body.user);
      // Three one after the other (750 points), then three at once: only one of them fits in the
      // 250 left this month, whatever the concurrency; the others convert for 0 points.
      for (const referee of referees.slice(0, 3)) await lesson(referee.id);
      expect((await conversions(referrer.id)).map((entry) => entry.amount)).toEqual([250, 250, 250]);
      await Promise.all(referees.slice(3).map((referee) => lesson(referee.id)));
      const amounts = (await conversions(referrer.id)).map((entry) => entry.amount as number);
      expect([...amounts].sort((a, b) => b - a)).toEqual([250, 250, 250, 250, 0, 0]);
      expect((await me(referrer)).points.balance).toBe(1000);
      const mine = (await http().get('/api/me/referral').set(bearer(referrer.token)).expect(200)).body;
      expect(mine.conversions).toBe(6);
      const points = (mine.referrals as Array<{ status: string; points: number }>).map((r) => [r.status, r.points]);
      expect(points.sort()).toEqual([
        ['converted', 0],
        ['converted', 0],
        ['converted', 250],
        ['converted', 250],
        ['converted', 250],
        ['converted', 250],
      ]);
      // A seventh, after the cap, converts for nothing too, and each conversion was told once.
      const late = (await register(code, 'late').expect(201)).body.user;
      await lesson(late.id);
      expect((await conversions(referrer.id)).map((entry) => entry.amount).filter((amount) => amount > 0)).toHaveLength(
        4,
      );
      const told = () => notes.filter((note) => note.type === 'referral.converted');
      await eventually(() => told().length === 7);
      expect(
        told()
          .map((note) => Number(note.params.points))
          .sort((a, b) => a - b),
      ).toEqual([0, 0, 0, 250, 250, 250, 250]);
      expect((await me(referrer)).points.balance).toBe(1000);
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
