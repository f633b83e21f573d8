import { bearer, db, http, ObjectId, registerMember, Session, unique, withProgram } from '../utils/hub';

const TEN_KB = 'x'.repeat(10 * 1024);

/** Everything a bad request could have touched, to compare before and after. */
async function snapshot() {
  const database = await db();
  const [users, ledger, wallets, organizations, teams] = await Promise.all(
    ['users', 'ledger', 'wallets', 'organizations', 'teams'].map((name) =>
      database.collection(name).find({}).sort({ _id: 1 }).toArray(),
    ),
  );
  return JSON.stringify({ users, ledger, wallets, organizations, teams });
}

describe('bad input gets a 400 in the documented shape and changes nothing', () => {
  const program = withProgram();
  let member: Session;

  beforeAll(async () => {
    member = await registerMember(program.organization.inviteCode);
  });

  const register = (body: Record<string, unknown>) => ({
    email: `${unique('v')}@example.test`,
    password: 'long enough',
    displayName: 'Valid',
    inviteCode: program.organization.inviteCode,
    ...body,
  });

  const cases: Array<[string, () => Promise<import('supertest').Response>]> = [
    [
      'register: unknown field',
      () =>
        http()
          .post('/api/auth/register')
          .send(register({ roles: ['admin'] })),
    ],
    [
      'register: wrong type',
      () =>
        http()
          .post('/api/auth/register')
          .send(register({ displayName: 42 })),
    ],
    [
      'register: $gt in email',
      () =>
        http()
          .post('/api/auth/register')
          .send(register({ email: { $gt: '' } })),
    ],
    [
      'register: $gt in invite code',
      () =>
        http()
          .post('/api/auth/register')
          .send(register({ inviteCode: { $gt: '' } })),
    ],
    [
      'register: 10 kB display name',
      () =>
        http()
          .post('/api/auth/register')
          .send(register({ displayName: TEN_KB })),
    ],
    [
      'register: 10 kB email',
      () =>
        http()
          .post('/api/auth/register')
          .send(register({ email: `${TEN_KB}@x.test` })),
    ],
    [
      'login: $gt in email',
      () =>
        http()
          .post('/api/auth/login')
          .send({ email: { $gt: '' }, password: 'x' }),
    ],
    [
      'login: $ne in password',
      () =>
        http()
          .post('/api/auth/login')
          .send({ email: member.email, password: { $ne: 1 } }),
    ],
    [
      'login: array for email',
      () =>
        http()
          .post('/api/auth/login')
          .send({ email: ['a@b.c'], password: 'x' }),
    ],
    [
      'me: unknown field',
      () =>
        http()
          .patch('/api/me')
          .set(bearer(member.token))
          .send({ roles: ['admin'] }),
    ],
    ['me: 10 kB display name', () => http().patch('/api/me').set(bearer(member.token)).send({ displayName: TEN_KB })],
    ['me: wrong type', () => http().patch('/api/me').set(bearer(member.token)).send({ leaderboardOptIn: 'yes' })],
    ['me: dotted key', () => http().patch('/api/me').set(bearer(member.token)).send({ 'points.balance': 1e6 })],
    [
      'me: nested operator',
      () =>
        http()
          .patch('/api/me')
          .set(bearer(member.token))
          .send({ displayName: { $set: 'x' } }),
    ],
    ['ledger: $gt in the query', () => http().get('/api/me/ledger?cursor[$gt]=').set(bearer(member.token))],
    ['ledger: $where in the query', () => http().get('/api/me/ledger?$where=1').set(bearer(member.token))],
    ['ledger: wrong type in the query', () => http().get('/api/me/ledger?limit=ten').set(bearer(member.token))],
    ['ledger: cursor not an id', () => http().get('/api/me/ledger?cursor=abc').set(bearer(member.token))],
    [
      'adjustment: string amount',
      () =>
        http()
          .post('/api/points/adjustments')
          .set(bearer(program.admin.token))
          .send({ userId: member.id, amount: '100', reason: 'x', idempotencyKey: unique('k') }),
    ],
    [
      'adjustment: fractional amount',
      () =>
        http()
          .post('/api/points/adjustments')
          .set(bearer(program.admin.token))
          .send({ userId: member.id, amount: 0.5, reason: 'x', idempotencyKey: unique('k') }),
    ],
    [
      'adjustment: $gt in userId',
      () =>
        http()
          .post('/api/points/adjustments')
          .set(bearer(program.admin.token))
          .send({ userId: { $gt: '' }, amount: 5, reason: 'x', idempotencyKey: unique('k') }),
    ],
    [
      'adjustment: 10 kB reason',
      () =>
        http()
          .post('/api/points/adjustments')
          .set(bearer(program.admin.token))
          .send({ userId: member.id, amount: 5, reason: TEN_KB, idempotencyKey: unique('k') }),
    ],
    [
      'organization: bad time zone',
      () =>
        http()
          .post('/api/organizations')
          .set(bearer(program.admin.token))
          .send({ name: 'X', timezone: 'Nowhere/City' }),
    ],
    ['organization id: not an id', () => http().get('/api/organizations/not-an-id').set(bearer(program.admin.token))],
    ['malformed JSON', () => http().post('/api/auth/login').set('content-type', 'application/json').send('{"email":')],
  ];

  it.each(cases)('%s', async (_name, send) => {
    const before = await snapshot();
    const response = await send();
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.anything() });
    expect(await snapshot()).toBe(before);
  });

  it('refuses a body over the size limit with 413, in the same shape', async () => {
    const response = await http()
      .post('/api/auth/register')
      .send(register({ displayName: 'x'.repeat(300 * 1024) }));
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('keeps the profile as it was after refused updates', async () => {
    const stored = await (await db()).collection('users').findOne({ _id: new ObjectId(member.id) });
    expect(stored).toMatchObject({ displayName: 'member person', roles: ['member'], leaderboardOptIn: true });
  });

  it('answers unknown API paths with a JSON 404, never the client page', async () => {
    const response = await http().get('/api/no-such-thing').expect(404);
    expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});
