import { bearer, connectSocket, http, nextEvent, registerMember, unique, withProgram } from '../utils/hub';

describe('real time', () => {
  const program = withProgram();

  it('refuses a socket without a token, with a bad one, and with a forged one', async () => {
    await expect(connectSocket()).rejects.toThrow('unauthorized');
    await expect(connectSocket('nonsense')).rejects.toThrow('unauthorized');
    const member = await registerMember(program.organization.inviteCode);
    await expect(connectSocket(`${member.token.slice(0, -4)}AAAA`)).rejects.toThrow('unauthorized');
  });

  it('pushes points.awarded to every open socket of that member, and to no one else', async () => {
    const member = await registerMember(program.organization.inviteCode);
    const bystander = await registerMember(program.organization.inviteCode);
    const phone = await connectSocket(member.token);
    const laptop = await connectSocket(member.token);
    const other = await connectSocket(bystander.token);
    const stray: unknown[] = [];
    other.on('points.awarded', (payload) => stray.push(payload));
    try {
      const onPhone = nextEvent(phone, 'points.awarded');
      const onLaptop = nextEvent(laptop, 'points.awarded');
      const walletUpdate = nextEvent(phone, 'wallet.updated');
      await http()
        .post('/api/points/adjustments')
        .set(bearer(program.admin.token))
        .send({ userId: member.id, amount: 40, reason: 'Webinar host', idempotencyKey: unique('rt') })
        .expect(201);
      const expected = {
        amount: 40,
        balance: 40,
        reason: 'Webinar host',
        source: { type: 'adjustment', id: program.admin.id },
        tip: expect.stringMatching(/^Did you know\?/), // award messages carry a tip (content/tips.yaml)
        // The toast's wording, as for inbox notifications (see notifications.e2e-spec.ts).
        type: 'points.awarded',
        params: { amount: 40, reason: 'Webinar host', activityType: 'adjustment' },
        link: '/',
      };
      expect(await onPhone).toEqual(expected);
      expect(await onLaptop).toEqual(expected);
      expect(await walletUpdate).toEqual({ balance: 40, lifetime: 40, qualifying: 40 });
      await new Promise((r) => setTimeout(r, 300));
      expect(stray).toEqual([]);
    } finally {
      [phone, laptop, other].forEach((socket) => socket.close());
    }
  });

  it('does not push again for a replayed idempotency key', async () => {
    const member = await registerMember(program.organization.inviteCode);
    const socket = await connectSocket(member.token);
    const received: unknown[] = [];
    socket.on('points.awarded', (payload) => received.push(payload));
    try {
      const body = { userId: member.id, amount: 10, reason: 'Once', idempotencyKey: unique('once') };
      await http().post('/api/points/adjustments').set(bearer(program.admin.token)).send(body).expect(201);
      await http().post('/api/points/adjustments').set(bearer(program.admin.token)).send(body).expect(200);
      await new Promise((r) => setTimeout(r, 500));
      expect(received).toHaveLength(1);
    } finally {
      socket.close();
    }
  });
});
