import {
  ask,
  bearer,
  collect,
  eventually,
  connectSocket,
  createOrganization,
  http,
  registerMember,
  settle,
  unique,
  useHub,
  withProgram,
} from '../utils/hub';

describe.each([
  ['MongoDB buckets', 'mongo'],
  ['Redis sorted sets', 'redisA'],
] as const)('live leaderboards on %s', (_store, hub) => {
  useHub(hub);
  const program = withProgram();

  const adjust = (userId: string, amount: number) =>
    http()
      .post('/api/points/adjustments')
      .set(bearer(program.admin.token))
      .send({ userId, amount, reason: 'board test', idempotencyKey: unique('lb') })
      .expect(201);

  it('pushes the new top 10 to subscribers shortly after an award, and stops after unsubscribe', async () => {
    const organization = await createOrganization(program.admin);
    const watcher = await registerMember(organization.inviteCode, 'watcher');
    const climber = await registerMember(organization.inviteCode, 'climber');
    const socket = await connectSocket(watcher.token);
    const updates = collect(socket, 'leaderboard.updated');
    try {
      expect(await ask(socket, 'leaderboard.subscribe', { scope: 'individual', period: 'week' })).toEqual({ ok: true });
      await adjust(climber.id, 300);
      await eventually(() => updates.length > 0);
      await settle(300); // and nothing more for this one award
      expect(updates).toEqual([
        {
          scope: 'individual',
          period: 'week',
          organizationId: organization.id,
          items: [{ rank: 1, id: climber.id, name: 'climber person', points: 300, teamName: null }],
        },
      ]);

      expect(await ask(socket, 'leaderboard.unsubscribe', { scope: 'individual', period: 'week' })).toEqual({
        ok: true,
      });
      await adjust(climber.id, 50);
      await settle(1500);
      expect(updates).toHaveLength(1);
    } finally {
      socket.close();
    }
  });

  it('throttles a burst of awards to at most one push per board per second', async () => {
    const organization = await createOrganization(program.admin);
    const watcher = await registerMember(organization.inviteCode, 'watcher');
    const players = [
      await registerMember(organization.inviteCode, 'p1'),
      await registerMember(organization.inviteCode, 'p2'),
    ];
    const socket = await connectSocket(watcher.token);
    const updates = collect(socket, 'leaderboard.updated');
    try {
      await ask(socket, 'leaderboard.subscribe', { scope: 'individual', period: 'month' });
      const started = Date.now();
      for (let i = 0; i < 8; i++) await adjust(players[i % 2].id, 10 + i);
      const elapsed = Date.now() - started;
      const final = [10 + 12 + 14 + 16, 11 + 13 + 15 + 17].sort((a, b) => b - a);
      await eventually(
        () => JSON.stringify(updates.at(-1)?.items.map((item) => item.points)) === JSON.stringify(final),
      );
      expect(updates.length).toBeGreaterThanOrEqual(1);
      expect(updates.length).toBeLessThanOrEqual(Math.ceil((elapsed + 1500) / 1000) + 1);
      const last = updates[updates.length - 1];
      expect(last.items.map((item) => item.points)).toEqual(
        [10 + 12 + 14 + 16, 11 + 13 + 15 + 17].sort((a, b) => b - a),
      );
    } finally {
      socket.close();
    }
  });

  it('stays silent when the top 10 does not change', async () => {
    const organization = await createOrganization(program.admin);
    const members = [];
    for (let i = 0; i < 11; i++) members.push(await registerMember(organization.inviteCode, `m${i}`));
    for (const [i, member] of members.entries()) await adjust(member.id, 1000 - i * 10); // 11th has 900
    await settle(400);
    const socket = await connectSocket(members[0].token);
    const updates = collect(socket, 'leaderboard.updated');
    try {
      await ask(socket, 'leaderboard.subscribe', { scope: 'individual', period: 'all' });
      await adjust(members[10].id, 5); // 905: still 11th
      await settle(1500);
      expect(updates).toEqual([]);
      await adjust(members[10].id, 200); // 1105: now first
      await eventually(() => updates.length > 0);
      expect(updates).toHaveLength(1);
      expect(updates[0].items[0]).toMatchObject({ rank: 1, id: members[10].id, points: 1105 });
    } finally {
      socket.close();
    }
  });

  it('subscribes only to boards the member may read, with validated payloads', async () => {
    const mine = await createOrganization(program.admin);
    const other = await createOrganization(program.admin);
    const member = await registerMember(mine.inviteCode, 'sub');
    const socket = await connectSocket(member.token);
    try {
      expect(
        await ask(socket, 'leaderboard.subscribe', { scope: 'team', period: 'week', organizationId: other.id }),
      ).toMatchObject({
        ok: false,
        statusCode: 403,
      });
      expect(await ask(socket, 'leaderboard.subscribe', { scope: 'organization', period: 'all' })).toEqual({
        ok: true,
      });
      for (const bad of [
        { scope: 'galaxy', period: 'week' },
        { scope: 'individual', period: 'week', extra: 1 },
        { scope: 'individual', period: 'week', organizationId: { $ne: null } },
        'individual',
      ]) {
        expect(await ask(socket, 'leaderboard.subscribe', bad)).toMatchObject({ ok: false, statusCode: 400 });
      }
    } finally {
      socket.close();
    }
  });
});
