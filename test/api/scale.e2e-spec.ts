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
      const viaB = await http().get('/api/leaderboards?scope=individual&period=week').set(bearer(member.token));
      expect(viaB.status).toBe(200); // instance A's supertest target; the board is shared through Redis
      expect(viaB.body.me).toEqual({ rank: 1, points: 75 });
    } finally {
      socketOnB.close();
    }
  });
});
