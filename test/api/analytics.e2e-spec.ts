import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../utils/hub-process';
import {
  bearer,
  createApiKey,
  createOrganization,
  createStaff,
  db,
  http,
  hubTarget,
  ObjectId,
  postActivity,
  registerMember,
  Session,
  unique,
  withProgram,
} from '../utils/hub';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A known world: two organizations in different zones, members acting on several days, a
 * redemption, an adjustment, NPS answers in a named and an anonymous campaign. Every figure is
 * checked exactly, against numbers written here or read from the ledger and the wallets.
 */
describe('analytics', () => {
  const program = withProgram();
  let apiKey: string;
  let north: { id: string; inviteCode: string };
  let south: { id: string; inviteCode: string };
  let a1: Session, a2: Session, a3: Session, b1: Session, b2: Session;
  let manager: Session;
  let product: Session;

  const get = (session: Session, path: string) => http().get(`/api/analytics/${path}`).set(bearer(session.token));
  const activity = (user: Session, type: string, daysAgo = 0, value?: number) =>
    postActivity(apiKey, {
      userId: user.id,
      type,
      ...(value !== undefined ? { value } : {}),
      ...(daysAgo ? { occurredAt: DateTime.now().minus({ days: daysAgo }).toUTC().toISO() } : {}),
    }).expect(201);

  beforeAll(async () => {
    const admin = program.admin;
    apiKey = await createApiKey(admin);
    north = await createOrganization(admin, unique('North'), 'America/New_York');
    south = await createOrganization(admin, unique('South'), 'Europe/Stockholm');
    [a1, a2, b1, b2] = await Promise.all([
      registerMember(north.inviteCode, 'a1'),
      registerMember(north.inviteCode, 'a2'),
      registerMember(south.inviteCode, 'b1'),
      registerMember(south.inviteCode, 'b2'),
    ]);
    // An inactive member whose name a spreadsheet would run as a formula.
    const registered = await http()
      .post('/api/auth/register')
      .send({
        email: `${unique('a3')}@example.test`,
        password: 'member-password',
        displayName: '=HYPERLINK("http://evil.test","x")',
        inviteCode: north.inviteCode,
      })
      .expect(201);
    a3 = { token: registered.body.accessToken, id: registered.body.user.id, email: registered.body.user.email };
    manager = await createStaff(admin, north.inviteCode, ['manager']);
    product = await createStaff(admin, program.organization.inviteCode, ['product']);

    await activity(a1, 'lesson.completed');
    await activity(a1, 'purchase.recorded', 0, 200);
    await activity(a1, 'lesson.completed', 3);
    await activity(a2, 'event.attended', 2, 75);
    await activity(a2, 'quiz.passed');
    await activity(b1, 'purchase.recorded', 0, 500);
    await activity(b1, 'lesson.completed', 10);
    await http()
      .post('/api/points/adjustments')
      .set(bearer(admin.token))
      .send({ userId: a2.id, amount: 50, reason: 'goodwill', idempotencyKey: unique('adj') })
      .expect(201);

    const reward = await http()
      .post('/api/rewards')
      .set(bearer(admin.token))
      .send({
        name: unique('Mug'),
        description: 'A mug',
        kind: 'gift-card',
        cost: 100,
        audience: { organizationIds: [north.id] },
      })
      .expect(201);
    await http().post(`/api/rewards/${reward.body.id}/redemptions`).set(bearer(a1.token)).send({}).expect(201);

    const campaign = async (anonymous: boolean) =>
      (
        await http()
          .post('/api/campaigns')
          .set(bearer(product.token))
          .send({
            title: unique('Pulse'),
            description: 'How are we doing?',
            questions: [{ id: 'nps', type: 'nps', prompt: 'Would you recommend us?', required: true }],
            incentivePoints: 10,
            anonymous,
            opensAt: DateTime.now().minus({ hours: 1 }).toUTC().toISO(),
            closesAt: DateTime.now().plus({ days: 7 }).toUTC().toISO(),
            audience: { organizationIds: [north.id, south.id] },
          })
          .expect(201)
      ).body.id as string;
    const named = await campaign(false);
    const anonymous = await campaign(true);
    const answer = (id: string, member: Session, nps: number) =>
      http().post(`/api/campaigns/${id}/responses`).set(bearer(member.token)).send({ answers: { nps } }).expect(201);
    await answer(named, a1, 10);
    await answer(named, a2, 8);
    await answer(named, b2, 3);
    await answer(anonymous, b1, 9);
  });

  /** Earned points (earn entries) of some members, and their balances now, from the source of truth. */
  async function fromLedger(members: Session[]) {
    const ids = members.map((m) => new ObjectId(m.id));
    const entries = await (
      await db()
    )
      .collection('ledger')
      .find({ userId: { $in: ids } })
      .toArray();
    const wallets = await (
      await db()
    )
      .collection('wallets')
      .find({ _id: { $in: ids } })
      .toArray();
    return {
      issued: entries.filter((e) => e.kind === 'earn').reduce((sum, e) => sum + e.amount, 0),
      balance: wallets.reduce((sum, w) => sum + w.balance, 0),
    };
  }

  it('gives exact figures for an organization', async () => {
    const overview = (await get(program.admin, `overview?organizationId=${north.id}`).expect(200)).body;
    const truth = await fromLedger([a1, a2, a3]);
    expect(truth.issued).toBeGreaterThan(0);
    expect(overview).toMatchObject({
      organizationId: north.id,
      timezone: 'America/New_York',
      members: 3,
      activeMembers: 2,
      participationRate: 0.6667,
      byFeature: { learning: 3, challenges: 0, events: 1, feedback: 2, rewards: 1 },
      pointsIssued: truth.issued,
      pointsRedeemed: 100,
      pointsExpired: 0,
      pointsAdjusted: 50,
      pointsOutstanding: truth.balance,
      redemptions: 1,
      responses: 2,
      nps: 50,
      npsAnswers: 2,
    });
    const today = DateTime.now().setZone('America/New_York');
    expect(overview.to).toBe(today.toISODate());
    expect(overview.from).toBe(today.minus({ days: 29 }).toISODate());

    // The anonymous answer counts for the program, not for its organization.
    const southFigures = (await get(program.admin, `overview?organizationId=${south.id}`).expect(200)).body;
    expect(southFigures).toMatchObject({
      members: 2,
      activeMembers: 2,
      participationRate: 1,
      nps: -100,
      npsAnswers: 1,
    });
    expect(southFigures.responses).toBe(2);
    expect(southFigures.pointsIssued).toBe((await fromLedger([b1, b2])).issued);
  });

  it('counts distinct active members over any range', async () => {
    const zone = 'America/New_York';
    const day = (ago: number) => DateTime.now().setZone(zone).minus({ days: ago }).toISODate()!;
    const active = async (from: string, to: string) =>
      (await get(manager, `overview?from=${from}&to=${to}`).expect(200)).body.activeMembers;
    expect(await active(day(2), day(0))).toBe(2); // a1 today, a2 two days ago and today
    expect(await active(day(3), day(3))).toBe(1); // a1 only
    expect(await active(day(1), day(1))).toBe(0);
    expect(await active(day(3), day(2))).toBe(2);
    expect(await active(day(40), day(4))).toBe(0);
  });

  it('gives series that add up to the overview, by day and by week, in the organization’s zone', async () => {
    const overview = (await get(manager, 'overview').expect(200)).body;
    const series = async (metric: string, interval = 'day') =>
      (await get(manager, `series?metric=${metric}&interval=${interval}`).expect(200)).body;
    const daily = await series('pointsIssued');
    expect(daily).toMatchObject({ metric: 'pointsIssued', interval: 'day', timezone: 'America/New_York' });
    expect(daily.items).toHaveLength(30);
    expect(daily.items[29].start).toBe(DateTime.now().setZone('America/New_York').startOf('day').toISO());
    const sum = (items: Array<{ value: number }>) => items.reduce((total, item) => total + item.value, 0);
    expect(sum(daily.items)).toBe(overview.pointsIssued);
    for (const [metric, field] of [
      ['pointsRedeemed', 'pointsRedeemed'],
      ['redemptions', 'redemptions'],
      ['responses', 'responses'],
    ]) {
      expect(sum((await series(metric)).items)).toBe(overview[field]);
      expect(sum((await series(metric, 'week')).items)).toBe(overview[field]);
    }
    expect(sum((await series('lessonsCompleted')).items)).toBe(2);
    expect(sum((await series('eventsAttended', 'week')).items)).toBe(1);
    const active = (await series('activeMembers')).items.map((item: Body) => item.value);
    expect(active.slice(-4)).toEqual([1, 1, 0, 2]);
    const weeks = (await series('activeMembers', 'week')).items;
    expect(weeks[0].start).toBe(DateTime.fromISO(overview.from, { zone: 'America/New_York' }).toISO());
    expect(weeks.slice(1).every((w: Body) => DateTime.fromISO(w.start, { setZone: true }).weekday === 1)).toBe(true);
    expect(Math.max(...weeks.map((w: Body) => w.value))).toBeLessThanOrEqual(2);
    const nps = (await series('nps')).items;
    expect(nps[29].value).toBe(50);
    expect(nps[0].value).toBeNull();
  });

  it('shows organizations side by side to the admin, each as its own overview', async () => {
    const side = (await get(program.admin, 'organizations').expect(200)).body;
    const row = (id: string) => side.items.find((item: Body) => item.organizationId === id);
    for (const organization of [north, south]) {
      const overview = (await get(program.admin, `overview?organizationId=${organization.id}`).expect(200)).body;
      expect(row(organization.id)).toEqual({
        organizationId: organization.id,
        name: expect.any(String),
        timezone: overview.timezone,
        members: overview.members,
        activeMembers: overview.activeMembers,
        participationRate: overview.participationRate,
        pointsIssued: overview.pointsIssued,
        pointsOutstanding: overview.pointsOutstanding,
        nps: overview.nps,
      });
    }
    // The program: everyone, the anonymous answer included.
    const whole = (await get(program.admin, 'overview').expect(200)).body;
    expect(whole.organizationId).toBeNull();
    expect(whole.activeMembers).toBeGreaterThanOrEqual(4);
    expect(whole.npsAnswers).toBeGreaterThanOrEqual(4);
  });

  it('counts each activity once and each member once, whatever arrives at once', async () => {
    const organization = await createOrganization(program.admin, unique('Burst'), 'Asia/Tokyo');
    const [c1, c2] = await Promise.all([
      registerMember(organization.inviteCode, 'c1'),
      registerMember(organization.inviteCode, 'c2'),
    ]);
    const key = unique('same');
    const calls = [
      // One fact retried ten times at once, and ten distinct facts of the same member and day.
      ...Array.from({ length: 10 }, () =>
        postActivity(apiKey, { userId: c1.id, type: 'lesson.completed', idempotencyKey: key }),
      ),
      ...Array.from({ length: 10 }, () => postActivity(apiKey, { userId: c2.id, type: 'purchase.recorded', value: 7 })),
    ];
    const answers = await Promise.all(calls);
    expect(answers.every((answer) => answer.status === 201 || answer.status === 200)).toBe(true);
    const overview = (await get(program.admin, `overview?organizationId=${organization.id}`).expect(200)).body;
    const truth = await fromLedger([c1, c2]);
    expect(overview).toMatchObject({
      members: 2,
      activeMembers: 2,
      activities: 11,
      byFeature: { learning: 1 },
      pointsIssued: truth.issued,
      pointsOutstanding: truth.balance,
    });
  });

  it('keeps each reader to its scope', async () => {
    await get(manager, `overview?organizationId=${south.id}`).expect(403);
    await get(manager, `series?metric=pointsIssued&organizationId=${south.id}`).expect(403);
    await get(manager, `members.csv?organizationId=${south.id}`).expect(403);
    await get(manager, 'organizations').expect(403);
    expect((await get(manager, 'overview').expect(200)).body.organizationId).toBe(north.id);
    await get(manager, `overview?organizationId=${north.id}`).expect(200);
    await get(product, 'members.csv').expect(403); // the export is for managers and admins
    for (const path of ['overview', 'series?metric=pointsIssued', 'organizations', 'members.csv']) {
      await get(a1, path).expect(403);
      await http().get(`/api/analytics/${path}`).expect(401);
    }
    await get(program.admin, `overview?organizationId=${new ObjectId().toHexString()}`).expect(404);
  });

  it.each([
    ['series?metric=happiness'],
    ['series'],
    ['series?metric=pointsIssued&interval=month'],
    ['overview?from=yesterday'],
    ['overview?from=2026-02-30'],
    ['overview?from=2026-11-10&to=2026-11-01'],
    ['overview?from=2020-01-01&to=2026-01-01'],
    ['overview?organizationId=nope'],
    ['overview?organizationId[$ne]=x'],
    ['overview?from[$gt]=2026-01-01'],
    ['overview?colour=blue'],
    ['organizations?organizationId=abc'],
  ])('refuses %s with 400', async (path) => {
    const response = await get(program.admin, path).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('exports one row per member as RFC 4180 CSV, formula cells defused', async () => {
    const response = await get(manager, 'members.csv').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(/attachment; filename="members-.+\.csv"/);
    const text = response.text;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('\r\n');
    const rows: Body[] = parse(text, { bom: true, columns: true });
    expect(rows).toHaveLength(3);
    const byEmail = new Map(rows.map((row) => [row.email, row]));
    expect(byEmail.get(a1.email)).toMatchObject({
      points_redeemed: '100',
      lessons: '2',
      events_attended: '0',
      responses: '1',
      redemptions: '1',
      active_days_in_range: '2',
      last_active: DateTime.now().setZone('America/New_York').toISODate(),
    });
    const wallet = await (await db()).collection('wallets').findOne({ _id: new ObjectId(a1.id) });
    expect(byEmail.get(a1.email)!.balance).toBe(String(wallet!.balance));
    expect(byEmail.get(a1.email)!.points_earned).toBe(String(wallet!.lifetime));
    expect(byEmail.get(a2.email)).toMatchObject({ events_attended: '1', redemptions: '0', active_days_in_range: '2' });
    expect(byEmail.get(a3.email)).toMatchObject({
      name: `'=HYPERLINK("http://evil.test","x")`,
      last_active: '',
      active_days_in_range: '0',
    });
    const all = parse((await get(program.admin, 'members.csv').expect(200)).text, { bom: true, columns: true });
    expect(all.length).toBeGreaterThanOrEqual(5);
  });

  it('analytics:rebuild recomputes from the ledger and the responses what was kept as things happened', async () => {
    await get(program.admin, 'overview').expect(200); // reads wait for the writes in flight
    const mine = [north.id, south.id];
    const snapshot = async () => {
      const database = await db();
      const rollups = await database.collection('analytics_rollups').find({}).toArray();
      const members = await database
        .collection('analytics_members')
        .find({ organizationId: { $in: mine } })
        .toArray();
      const counts = await database
        .collection<{ _id: string; members: number }>('member_counts')
        .find({ _id: { $in: mine } })
        .toArray();
      // What members spent on rewards is on their wallets, moved with each debit and refund.
      const spent = await database
        .collection('wallets')
        .find({}, { projection: { pointsRedeemed: 1, redemptions: 1 } })
        .toArray();
      return {
        spent: spent
          .map((w) => ({ _id: String(w._id), r: w.pointsRedeemed ?? 0, n: w.redemptions ?? 0 }))
          .sort((x, y) => x._id.localeCompare(y._id)),
        counts: counts.sort((x, y) => x._id.localeCompare(y._id)),
        rollups: rollups
          .filter((doc) => mine.some((id) => String(doc._id).includes(id)))
          .map((doc) => clean({ _id: doc._id, d: doc.d, b: doc.b }) as { _id: string })
          .sort((x, y) => String(x._id).localeCompare(String(y._id))),
        members: members
          .map((m) => ({ _id: m._id, days: m.days ?? [], pdays: m.pdays ?? [] }))
          .sort((x, y) => String(x._id).localeCompare(String(y._id))),
      };
    };
    const incremental = await snapshot();
    expect(incremental.rollups.length).toBeGreaterThanOrEqual(4);
    expect(incremental.spent.find((w) => w._id === a1.id)).toEqual({ _id: a1.id, r: 100, n: 1 });
    expect(incremental.members).toHaveLength(4);
    expect(incremental.counts.map((count) => count.members)).toEqual(north.id < south.id ? [3, 2] : [2, 3]);
    const before = (await get(program.admin, `overview?organizationId=${north.id}`).expect(200)).body;
    // A drifted spending total (a crash that outlived its guards, say): the rebuild sets it from the ledger.
    await (
      await db()
    )
      .collection('wallets')
      .updateOne({ _id: new ObjectId(a1.id) }, { $set: { pointsRedeemed: 999, redemptions: 7 } });
    const cli = spawnSync(process.execPath, [join(REPO_ROOT, 'api', 'dist', 'cli', 'main.js'), 'analytics:rebuild'], {
      env: {
        ...process.env,
        MONGODB_URI: hubTarget().mongoUri,
        REDIS_URL: hubTarget().redisUrl ?? 'none',
        LOG_LEVEL: 'error',
      },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (cli.status !== 0) throw new Error(`analytics:rebuild failed: ${cli.stderr}${cli.stdout}`);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(
      /Rebuilt \d+ rollup documents and \d+ member records from \d+ ledger entries and \d+ NPS answers\./,
    );
    expect(await snapshot()).toEqual(incremental);
    expect((await get(program.admin, `overview?organizationId=${north.id}`).expect(200)).body).toEqual(before);
  });
});

/** Drops zero counters and empty objects (a histogram entry moved back to 0 is the same as none). */
function clean(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const cleaned = clean(child);
    if (cleaned === 0 || cleaned === undefined) continue;
    if (typeof cleaned === 'object' && cleaned !== null && !Object.keys(cleaned).length) continue;
    out[key] = cleaned;
  }
  return out;
}
