import Redis from 'ioredis';
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
  postActivity,
  registerMember,
  runJob,
  Session,
  unique,
  useHub,
  withProgram,
} from '../utils/hub';

/** Every board total the store holds, as `key → points`, whichever store the hub uses. */
async function boardTotals(): Promise<Array<{ id: string; points: number }>> {
  const target = hubTarget();
  if (!target.redisUrl) {
    const buckets = await (await db()).collection('leaderboard_buckets').find({}).sort({ _id: 1 }).toArray();
    return buckets.map((bucket) => ({ id: String(bucket._id), points: bucket.points }));
  }
  const redis = new Redis(target.redisUrl);
  try {
    const totals: Array<{ id: string; points: number }> = [];
    for (const key of (await redis.keys('hub:lb:*')).sort()) {
      const flat = await redis.zrange(key, 0, -1, 'WITHSCORES');
      for (let i = 0; i < flat.length; i += 2)
        totals.push({ id: `${key.slice(7)}|${flat[i]}`, points: Number(flat[i + 1]) });
    }
    return totals.sort((a, b) => a.id.localeCompare(b.id));
  } finally {
    redis.disconnect();
  }
}

describe.each([
  ['MongoDB buckets', 'mongo'],
  ['Redis sorted sets', 'redisA'],
] as const)('leaderboards on %s', (_store, hub) => {
  useHub(hub);
  const program = withProgram();
  let apiKey: string;

  beforeAll(async () => {
    apiKey = await createApiKey(program.admin);
  });

  const board = (session: Session, query: string) =>
    http().get(`/api/leaderboards?${query}`).set(bearer(session.token));
  const earn = (userId: string, value: number, occurredAt?: string) =>
    postActivity(apiKey, { userId, type: 'purchase.recorded', value, ...(occurredAt ? { occurredAt } : {}) }).expect(
      201,
    );

  async function organizationWithTeams(timezone = 'Europe/Stockholm') {
    const organization = await createOrganization(program.admin, unique('Board org'), timezone);
    const team = async (name: string) =>
      (
        await http()
          .post(`/api/organizations/${organization.id}/teams`)
          .set(bearer(program.admin.token))
          .send({ name })
          .expect(201)
      ).body as { id: string; inviteCode: string };
    return { organization, north: await team('North'), south: await team('South') };
  }

  it('ranks members with shared ranks for ties, names, teams and the period in the organization’s zone', async () => {
    const { organization, north, south } = await organizationWithTeams();
    const [a, b, c, d] = [
      await registerMember(north.inviteCode, 'ada'),
      await registerMember(north.inviteCode, 'bea'),
      await registerMember(south.inviteCode, 'cid'),
      await registerMember(south.inviteCode, 'dan'),
    ];
    await earn(a.id, 90);
    await earn(b.id, 70);
    await earn(c.id, 70);
    await earn(d.id, 50);

    const response = await board(a, 'scope=individual&period=week').expect(200);
    const week = DateTime.now().setZone('Europe/Stockholm').startOf('week');
    expect(response.body).toMatchObject({
      scope: 'individual',
      period: 'week',
      organizationId: organization.id,
      timezone: 'Europe/Stockholm',
      start: week.toUTC().toISO(),
      end: week.plus({ weeks: 1 }).toUTC().toISO(),
      me: { rank: 1, points: 90 },
    });
    expect(response.body.items).toEqual([
      { rank: 1, id: a.id, name: 'ada person', points: 90, teamName: 'North' },
      // equal points: later subject first, in both stores (Redis ZREVRANGE order)
      { rank: 2, id: c.id, name: 'cid person', points: 70, teamName: 'South' },
      { rank: 2, id: b.id, name: 'bea person', points: 70, teamName: 'North' },
      { rank: 4, id: d.id, name: 'dan person', points: 50, teamName: 'South' },
    ]);

    const teams = await board(c, 'scope=team&period=month').expect(200);
    expect(teams.body.items).toEqual([
      { rank: 1, id: north.id, name: 'North', points: 160 },
      { rank: 2, id: south.id, name: 'South', points: 120 },
    ]);
    expect(teams.body.me).toEqual({ rank: 2, points: 120 });
  });

  it('always shows me, also outside the top N, and 0 points when I have none', async () => {
    const { north } = await organizationWithTeams();
    const members = [];
    for (let i = 0; i < 4; i++) members.push(await registerMember(north.inviteCode, `m${i}`));
    for (const [i, member] of members.entries()) await earn(member.id, 100 - i * 10);
    const last = members[3];
    const top2 = await board(last, 'scope=individual&period=all&limit=2').expect(200);
    expect(top2.body.items.map((item: { id: string }) => item.id)).toEqual([members[0].id, members[1].id]);
    expect(top2.body.me).toEqual({ rank: 4, points: 70 });
    const newcomer = await registerMember(north.inviteCode, 'new');
    expect((await board(newcomer, 'scope=individual&period=all').expect(200)).body.me).toEqual({ rank: 5, points: 0 });
  });

  it('shows members who opted out as "Anonymous member", still ranked', async () => {
    const { north } = await organizationWithTeams();
    const shy = await registerMember(north.inviteCode, 'shy');
    await http().patch('/api/me').set(bearer(shy.token)).send({ leaderboardOptIn: false }).expect(200);
    await earn(shy.id, 40);
    const response = await board(shy, 'scope=individual&period=week').expect(200);
    expect(response.body.items).toEqual([
      { rank: 1, id: shy.id, name: 'Anonymous member', points: 40, teamName: 'North' },
    ]);
  });

  it('ranks organizations program-wide', async () => {
    const first = await organizationWithTeams();
    const second = await organizationWithTeams('Asia/Tokyo');
    const x = await registerMember(first.north.inviteCode, 'x');
    const y = await registerMember(second.north.inviteCode, 'y');
    await earn(x.id, 5000);
    await earn(y.id, 7000);
    const response = await board(x, 'scope=organization&period=all&limit=100').expect(200);
    const ids = response.body.items.map((item: { id: string }) => item.id);
    expect(ids.indexOf(second.organization.id)).toBeLessThan(ids.indexOf(first.organization.id));
    expect(response.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: first.organization.id, name: first.organization.name, points: 5000 }),
      ]),
    );
    expect(response.body.me.points).toBe(5000);
  });

  it('counts an activity in the period it happened in, and expiry never lowers a board', async () => {
    const { north } = await organizationWithTeams();
    const member = await registerMember(north.inviteCode, 'old');
    await earn(member.id, 300, DateTime.now().minus({ months: 25 }).toISO()!);
    await earn(member.id, 20);
    expect((await board(member, 'scope=individual&period=week').expect(200)).body.me.points).toBe(20);
    expect((await board(member, 'scope=individual&period=all').expect(200)).body.me.points).toBe(320);
    await runJob(program.admin, 'expire-points'); // the 300 expire from the wallet…
    expect((await board(member, 'scope=individual&period=all').expect(200)).body.me.points).toBe(320); // …not from the board
  });

  it('keeps members to their own organization’s boards (403), while staff read any', async () => {
    const mine = await organizationWithTeams();
    const other = await organizationWithTeams();
    const member = await registerMember(mine.north.inviteCode, 'nosy');
    await board(member, `scope=individual&period=week&organizationId=${other.organization.id}`).expect(403);
    await board(member, `scope=team&period=all&organizationId=${other.organization.id}`).expect(403);
    await board(member, `scope=individual&period=week&organizationId=${mine.organization.id}`).expect(200);
    const manager = await createStaff(program.admin, mine.north.inviteCode, ['manager']);
    await board(manager, `scope=individual&period=week&organizationId=${other.organization.id}`).expect(200);
    await board(program.admin, 'scope=individual&period=week').expect(400); // staff without an organization must name one
  });

  it('a rebuild from the ledger equals what the awards built', async () => {
    const { north, south } = await organizationWithTeams('America/Chicago');
    const a = await registerMember(north.inviteCode, 'ra');
    const b = await registerMember(south.inviteCode, 'rb');
    await earn(a.id, 120);
    await earn(b.id, 80, DateTime.now().minus({ days: 40 }).toISO()!);
    await http()
      .post('/api/points/adjustments')
      .set(bearer(program.admin.token))
      .send({ userId: a.id, amount: -20, reason: 'correction', idempotencyKey: unique('fix') })
      .expect(201);
    await board(a, 'scope=individual&period=week').expect(200); // reads write any buffered increments first
    const incremental = await boardTotals();
    expect(incremental.length).toBeGreaterThan(0);
    const cli = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'api', 'dist', 'cli', 'main.js'), 'leaderboards:rebuild'],
      {
        env: {
          ...process.env,
          MONGODB_URI: hubTarget().mongoUri,
          REDIS_URL: hubTarget().redisUrl ?? 'none', // the store of the hub under test, never an embedded one
          LOG_LEVEL: 'error',
        },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/Rebuilt \d+ board totals from \d+ ledger entries\./);
    expect(await boardTotals()).toEqual(incremental);
  });

  it.each([
    ['scope=galaxy&period=week'],
    ['scope=individual&period=year'],
    ['scope=individual&period=week&limit=1000'],
    ['scope=individual&period=week&organizationId=nope'],
    ['scope=individual&period=week&organizationId[$ne]=x'],
  ])('refuses %s with 400', async (query) => {
    const { north } = await organizationWithTeams();
    const member = await registerMember(north.inviteCode, 'q');
    await board(member, query).expect(400);
  });
});
