import request from 'supertest';
import {
  ask,
  bearer,
  collect,
  connectSocket,
  createOrganization,
  http,
  hubTarget,
  nextEvent,
  registerMember,
  eventually,
  settle,
  unique,
  useHub,
  withProgram,
} from '../utils/hub';

/** Two API processes sharing Redis (and one database): what one does, the other's sockets hear. */
describe('two instances sharing Redis', () => {
  useHub('redisA');
  const program = withProgram();

  it('delivers points.awarded and leaderboard.updated for an award made through the other instance', async () => {
    const organization = await createOrganization(program.admin);
    const member = await registerMember(organization.inviteCode, 'far');
    const socketOnB = await connectSocket(member.token, hubTarget('redisB').url);
    const boards = collect(socketOnB, 'leaderboard.updated');
    try {
      expect(await ask(socketOnB, 'leaderboard.subscribe', { scope: 'individual', period: 'week' })).toEqual({
        ok: true,
      });
      const awarded = nextEvent(socketOnB, 'points.awarded');
      await http()
        .post('/api/points/adjustments') // through instance A
        .set(bearer(program.admin.token))
        .send({ userId: member.id, amount: 75, reason: 'Cross-instance', idempotencyKey: unique('x') })
        .expect(201);
      expect(await awarded).toMatchObject({ amount: 75, balance: 75, reason: 'Cross-instance' });
      await eventually(() => boards.length > 0);
      expect(boards).toEqual([
        {
          scope: 'individual',
          period: 'week',
          organizationId: organization.id,
          items: [{ rank: 1, id: member.id, name: 'far person', points: 75, teamName: null }],
        },
      ]);
      const viaB = await request(hubTarget('redisB').url)
        .get('/api/leaderboards?scope=individual&period=week')
        .set(bearer(member.token));
      expect(viaB.status).toBe(200); // the award went through A; the board is shared through Redis
      expect(viaB.body.me).toEqual({ rank: 1, points: 75 });
    } finally {
      socketOnB.close();
    }
  });

  it('throttles pushes per board across instances: awards through both still give one push a second', async () => {
    const organization = await createOrganization(program.admin);
    const watcher = await registerMember(organization.inviteCode, 'watcher');
    const players = [
      await registerMember(organization.inviteCode, 'p1'),
      await registerMember(organization.inviteCode, 'p2'),
    ];
    const socket = await connectSocket(watcher.token, hubTarget('redisB').url);
    const arrivals: number[] = [];
    const updates = collect(socket, 'leaderboard.updated');
    socket.on('leaderboard.updated', () => arrivals.push(Date.now()));
    try {
      expect(await ask(socket, 'leaderboard.subscribe', { scope: 'individual', period: 'month' })).toEqual({
        ok: true,
      });
      const totals = [0, 0];
      for (let i = 0; i < 12; i++) {
        const through = hubTarget(i % 2 ? 'redisB' : 'redisA').url; // each instance schedules its own push
        await request(through)
          .post('/api/points/adjustments')
          .set(bearer(program.admin.token))
          .send({ userId: players[i % 2].id, amount: 10 + i, reason: 'Both instances', idempotencyKey: unique('both') })
          .expect(201);
        totals[i % 2] += 10 + i;
        await settle(200);
      }
      const final = [...totals].sort((a, b) => b - a);
      await eventually(
        () => JSON.stringify(updates.at(-1)?.items.map((item) => item.points)) === JSON.stringify(final),
      );
      await settle(1500); // nothing more once the board is current
      expect(updates.at(-1)!.items.map((item) => item.points)).toEqual(final);
      const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i]);
      expect(arrivals.length).toBeGreaterThanOrEqual(2);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(900); // a few ms of timer and network jitter
    } finally {
      socket.close();
    }
  });

  it('counts rate limits in Redis: 8 logins a minute across both instances, not 8 on each', async () => {
    const email = `${unique('guess')}@example.test`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      const instance = hubTarget(attempt % 2 ? 'redisB' : 'redisA').url;
      statuses.push((await request(instance).post('/api/auth/login').send({ email, password: 'not-it' })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 429, 429]);
  });
});
