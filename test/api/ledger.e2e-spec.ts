import { bearer, db, http, ObjectId, registerMember, unique, withProgram } from '../utils/hub';

describe('ledger core', () => {
  const program = withProgram();

  const adjust = (userId: string, amount: number, idempotencyKey = unique('adj'), reason = 'Goodwill') =>
    http()
      .post('/api/points/adjustments')
      .set(bearer(program.admin.token))
      .send({ userId, amount, reason, idempotencyKey });

  it('records an adjustment as a ledger entry and moves the wallet', async () => {
    const member = await registerMember(program.organization.inviteCode);
    const created = await adjust(member.id, 150, unique('adj'), 'Welcome bonus').expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      amount: 150,
      kind: 'adjust',
      reason: 'Welcome bonus',
      source: { type: 'adjustment', id: program.admin.id },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      duplicate: false,
    });
    const ledger = await http().get('/api/me/ledger').set(bearer(member.token)).expect(200);
    expect(ledger.body).toEqual({
      items: [expect.objectContaining({ id: created.body.id, amount: 150 })],
      nextCursor: null,
    });
    const me = await http().get('/api/me').set(bearer(member.token)).expect(200);
    expect(me.body.points).toEqual({ balance: 150, lifetime: 150, qualifying: 150 });
  });

  it('stores one entry when the same adjustment is posted 20 times in parallel', async () => {
    const member = await registerMember(program.organization.inviteCode);
    const key = unique('same');
    const responses = await Promise.all(Array.from({ length: 20 }, () => adjust(member.id, 25, key)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(19).fill(200), 201]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(responses.filter((r) => r.body.duplicate === false)).toHaveLength(1);

    const entries = await (await db()).collection('ledger').countDocuments({ userId: new ObjectId(member.id) });
    expect(entries).toBe(1);
    const wallet = await (await db()).collection('wallets').findOne({ _id: new ObjectId(member.id) });
    expect(wallet).toMatchObject({ balance: 25, lifetime: 25, qualifying: 25 });
  });

  it('loses no update when many different adjustments land at once', async () => {
    const member = await registerMember(program.organization.inviteCode);
    await Promise.all(Array.from({ length: 40 }, (_, i) => adjust(member.id, i + 1).expect(201)));
    const me = await http().get('/api/me').set(bearer(member.token)).expect(200);
    expect(me.body.points.balance).toBe((40 * 41) / 2);
    expect(await (await db()).collection('ledger').countDocuments({ userId: new ObjectId(member.id) })).toBe(40);
  });

  it('never lets a debit take the balance below zero, however concurrent', async () => {
    const member = await registerMember(program.organization.inviteCode);
    await adjust(member.id, 100).expect(201);
    const debits = await Promise.all(Array.from({ length: 10 }, () => adjust(member.id, -30)));
    expect(debits.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = debits.filter((r) => r.status === 409);
    expect(refused).toHaveLength(7);
    expect(refused[0].body).toEqual({ statusCode: 409, error: 'Conflict', message: 'Insufficient points' });
    const me = await http().get('/api/me').set(bearer(member.token)).expect(200);
    expect(me.body.points).toEqual({ balance: 10, lifetime: 100, qualifying: 100 });
    expect(await (await db()).collection('ledger').countDocuments({ userId: new ObjectId(member.id) })).toBe(4);
  });

  it('crosses into the next tier as qualifying points pass its threshold', async () => {
    const member = await registerMember(program.organization.inviteCode);
    await adjust(member.id, 999).expect(201);
    expect((await http().get('/api/me').set(bearer(member.token))).body.tier).toEqual({
      key: 'member',
      name: 'Member',
    });
    await adjust(member.id, 1).expect(201);
    expect((await http().get('/api/me').set(bearer(member.token))).body.tier).toEqual({
      key: 'silver',
      name: 'Silver',
    });
    await adjust(member.id, -500).expect(201); // spending does not lower a tier
    expect((await http().get('/api/me').set(bearer(member.token))).body.tier.key).toBe('silver');
  });

  it('pages a statement newest first with a cursor', async () => {
    const member = await registerMember(program.organization.inviteCode);
    for (let i = 1; i <= 25; i++) await adjust(member.id, i, unique(`p${i}`), `entry ${i}`).expect(201);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=10&cursor=${cursor}` : '?limit=10';
      const page = await http().get(`/api/me/ledger${query}`).set(bearer(member.token)).expect(200);
      seen.push(...page.body.items.map((item: { amount: number }) => item.amount));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
  });

  it('refuses adjustments for unknown users and keeps members out of others’ ledgers', async () => {
    await adjust('a'.repeat(24), 5).expect(404);
    const member = await registerMember(program.organization.inviteCode);
    const other = await registerMember(program.organization.inviteCode);
    await adjust(other.id, 70).expect(201);
    const mine = await http().get('/api/me/ledger').set(bearer(member.token)).expect(200);
    expect(mine.body.items).toEqual([]);
  });
});
