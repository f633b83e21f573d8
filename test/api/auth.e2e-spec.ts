import { sign } from 'jsonwebtoken';
import { spawnSync } from 'node:child_process';
import { JWT_SECRET } from '../utils/global-setup';
import { join } from 'node:path';
import { REPO_ROOT } from '../utils/hub-process';
import { bearer, db, http, registerMember, unique, withProgram } from '../utils/hub';

describe('identity', () => {
  const program = withProgram();

  it('bootstraps the admin from HUB_ADMIN_EMAIL / HUB_ADMIN_PASSWORD', async () => {
    const me = await http().get('/api/me').set(bearer(program.admin.token)).expect(200);
    expect(me.body.roles).toEqual(['admin']);
  });

  it('registers with an invite code, logs in and reads /me', async () => {
    const email = `${unique('ana')}@example.test`;
    const registered = await http()
      .post('/api/auth/register')
      .send({
        email,
        password: 'correct horse',
        displayName: 'Ana',
        inviteCode: program.organization.inviteCode.toLowerCase(),
      })
      .expect(201);
    expect(registered.body.accessToken).toEqual(expect.any(String));
    expect(registered.body.user).toMatchObject({ email, roles: ['member'], organizationId: program.organization.id });
    expect(registered.body.user).not.toHaveProperty('passwordHash');

    const login = await http().post('/api/auth/login').send({ email, password: 'correct horse' }).expect(200);
    const me = await http().get('/api/me').set(bearer(login.body.accessToken)).expect(200);
    expect(me.body).toEqual({
      id: registered.body.user.id,
      email,
      displayName: 'Ana',
      roles: ['member'],
      organizationId: program.organization.id,
      teamId: null,
      locale: 'en',
      timezone: null,
      leaderboardOptIn: true,
      points: { balance: 0, lifetime: 0, qualifying: 0 },
      tier: { key: 'member', name: 'Member' },
    });
  });

  it('stores passwords hashed with argon2', async () => {
    const member = await registerMember(program.organization.inviteCode);
    const stored = await (await db()).collection('users').findOne({ email: member.email });
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(stored)).not.toContain('member-password');
  });

  it('registers into a team with the team’s invite code', async () => {
    const team = await http()
      .post(`/api/organizations/${program.organization.id}/teams`)
      .set(bearer(program.admin.token))
      .send({ name: unique('Crew') })
      .expect(201);
    const member = await registerMember(team.body.inviteCode);
    const me = await http().get('/api/me').set(bearer(member.token)).expect(200);
    expect(me.body).toMatchObject({ organizationId: program.organization.id, teamId: team.body.id });
  });

  it('refuses an unknown invite code and a taken email', async () => {
    await http()
      .post('/api/auth/register')
      .send({ email: `${unique('x')}@example.test`, password: 'long enough', displayName: 'X', inviteCode: 'NOPE1234' })
      .expect(400);
    const member = await registerMember(program.organization.inviteCode);
    const again = await http()
      .post('/api/auth/register')
      .send({
        email: member.email,
        password: 'long enough',
        displayName: 'X',
        inviteCode: program.organization.inviteCode,
      })
      .expect(409);
    expect(again.body).toEqual({ statusCode: 409, error: 'Conflict', message: expect.any(String) });
  });

  it('answers a wrong password and an unknown email alike with 401', async () => {
    const member = await registerMember(program.organization.inviteCode);
    const wrong = await http().post('/api/auth/login').send({ email: member.email, password: 'not it' }).expect(401);
    const unknown = await http()
      .post('/api/auth/login')
      .send({ email: 'nobody@example.test', password: 'not it' })
      .expect(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Wrong email or password' });
  });

  it('refuses missing, forged and malformed tokens', async () => {
    await http().get('/api/me').expect(401);
    await http().get('/api/me').set({ Authorization: 'Bearer not.a.jwt' }).expect(401);
    const member = await registerMember(program.organization.inviteCode);
    const [header, payload] = member.token.split('.');
    await http()
      .get('/api/me')
      .set({ Authorization: `Bearer ${header}.${payload}.forged-signature` })
      .expect(401);
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    await http()
      .get('/api/me')
      .set({ Authorization: `Bearer ${unsigned}` })
      .expect(401);
  });

  it('refuses an expired token, and accepts the same claims while fresh', async () => {
    const member = await registerMember(program.organization.inviteCode);
    const fresh = sign({ sub: member.id }, JWT_SECRET, { algorithm: 'HS256', expiresIn: 60 });
    await http().get('/api/me').set(bearer(fresh)).expect(200);
    const expired = sign({ sub: member.id, exp: Math.floor(Date.now() / 1000) - 5 }, JWT_SECRET, {
      algorithm: 'HS256',
    });
    const response = await http().get('/api/me').set(bearer(expired)).expect(401);
    expect(response.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Sign in first' });
  });

  it('rate-limits logins for one email (429) without locking out others', async () => {
    const member = await registerMember(program.organization.inviteCode);
    const attempts = [];
    for (let i = 0; i < 10; i++) {
      attempts.push((await http().post('/api/auth/login').send({ email: member.email, password: 'guess' })).status);
    }
    expect(attempts.slice(0, 8).every((status) => status === 401)).toBe(true);
    expect(attempts.slice(8)).toEqual([429, 429]);
    const limited = await http().post('/api/auth/login').send({ email: member.email, password: 'member-password' });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });

    const other = await registerMember(program.organization.inviteCode);
    await http().post('/api/auth/login').send({ email: other.email, password: 'member-password' }).expect(200);
  });

  it('updates my profile with PATCH /me', async () => {
    const member = await registerMember(program.organization.inviteCode);
    const updated = await http()
      .patch('/api/me')
      .set(bearer(member.token))
      .send({ displayName: 'New Name', timezone: 'Asia/Tokyo', leaderboardOptIn: false })
      .expect(200);
    expect(updated.body).toMatchObject({ displayName: 'New Name', timezone: 'Asia/Tokyo', leaderboardOptIn: false });
    await http().patch('/api/me').set(bearer(member.token)).send({ timezone: 'Mars/Base' }).expect(400);
  });

  it('stops at start-up with a one-line reason on a bad setting', () => {
    const result = spawnSync(process.execPath, [join(REPO_ROOT, 'api', 'dist', 'main.js')], {
      env: { ...process.env, PORT: 'eighty', MONGODB_URI: 'mongodb://127.0.0.1:1/none' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Invalid configuration: .*PORT/)]);
  });
});
