import {
  bearer,
  createOrganization,
  createStaff,
  http,
  loginAdmin,
  registerMember,
  Session,
  unique,
} from '../utils/hub';

describe('roles and tenancy', () => {
  let admin: Session;
  let orgA: Awaited<ReturnType<typeof createOrganization>>;
  let orgB: Awaited<ReturnType<typeof createOrganization>>;
  let memberA: Session;
  let memberB: Session;
  let manager: Session;
  let teamB: { id: string };

  beforeAll(async () => {
    admin = await loginAdmin();
    orgA = await createOrganization(admin, unique('Org A'));
    orgB = await createOrganization(admin, unique('Org B'), 'America/Chicago');
    memberA = await registerMember(orgA.inviteCode, 'a');
    memberB = await registerMember(orgB.inviteCode, 'b');
    manager = await createStaff(admin, orgA.inviteCode, ['manager']);
    teamB = (
      await http()
        .post(`/api/organizations/${orgB.id}/teams`)
        .set(bearer(admin.token))
        .send({ name: 'B crew' })
        .expect(201)
    ).body;
  });

  describe('a member of organization A', () => {
    it('sees only its own organization in the list', async () => {
      const list = await http().get('/api/organizations').set(bearer(memberA.token)).expect(200);
      expect(list.body).toEqual({ items: [expect.objectContaining({ id: orgA.id })], nextCursor: null });
    });

    it('reads its own organization, teams and members', async () => {
      await http().get(`/api/organizations/${orgA.id}`).set(bearer(memberA.token)).expect(200);
      await http().get(`/api/organizations/${orgA.id}/teams`).set(bearer(memberA.token)).expect(200);
      const members = await http().get(`/api/organizations/${orgA.id}/members`).set(bearer(memberA.token)).expect(200);
      expect(members.body.items.map((m: { id: string }) => m.id)).toContain(memberA.id);
      expect(members.body.items[0]).not.toHaveProperty('email'); // colleagues' emails are for staff
    });

    it.each([
      ['the organization', () => `/api/organizations/${orgB.id}`],
      ['its teams', () => `/api/organizations/${orgB.id}/teams`],
      ['its members', () => `/api/organizations/${orgB.id}/members`],
    ])('cannot read organization B: %s', async (_what, path) => {
      const response = await http().get(path()).set(bearer(memberA.token));
      expect([403, 404]).toContain(response.status);
      expect(JSON.stringify(response.body)).not.toContain(orgB.name);
      expect(JSON.stringify(response.body)).not.toContain(memberB.email);
    });

    it('cannot create a team in organization B, or anywhere', async () => {
      await http()
        .post(`/api/organizations/${orgB.id}/teams`)
        .set(bearer(memberA.token))
        .send({ name: 'x' })
        .expect(403);
      await http()
        .post(`/api/organizations/${orgA.id}/teams`)
        .set(bearer(memberA.token))
        .send({ name: 'x' })
        .expect(403);
    });

    it.each([
      ['POST', '/api/organizations', { name: 'Mine', timezone: 'UTC' }],
      ['POST', '/api/api-keys', { name: 'mine' }],
      ['GET', '/api/api-keys', undefined],
      ['POST', '/api/points/adjustments', { userId: '0'.repeat(24), amount: 5, reason: 'x', idempotencyKey: 'k' }],
      ['POST', '/api/organizations/ORG/invite-code', undefined],
    ])('is refused %s %s with 403', async (method, path, body) => {
      const target = path.replace('ORG', orgA.id);
      const call =
        method === 'GET'
          ? http().get(target)
          : http()
              .post(target)
              .send(body ?? {});
      const response = await call.set(bearer(memberA.token));
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    });

    it('cannot give itself roles', async () => {
      await http()
        .post(`/api/users/${memberA.id}/roles`)
        .set(bearer(memberA.token))
        .send({ roles: ['admin'] })
        .expect(403);
      const me = await http().get('/api/me').set(bearer(memberA.token)).expect(200);
      expect(me.body.roles).toEqual(['member']);
    });
  });

  describe('staff', () => {
    it('a manager reads every organization, its teams and members (with emails)', async () => {
      const list = await http().get('/api/organizations?limit=100').set(bearer(manager.token)).expect(200);
      const ids = list.body.items.map((o: { id: string }) => o.id);
      expect(ids).toEqual(expect.arrayContaining([orgA.id, orgB.id]));
      const teams = await http().get(`/api/organizations/${orgB.id}/teams`).set(bearer(manager.token)).expect(200);
      expect(teams.body.items).toEqual([expect.objectContaining({ id: teamB.id, organizationId: orgB.id })]);
      const members = await http().get(`/api/organizations/${orgB.id}/members`).set(bearer(manager.token)).expect(200);
      expect(members.body.items).toEqual([expect.objectContaining({ id: memberB.id, email: memberB.email })]);
    });

    it('a manager creates teams and rotates invite codes, but cannot create organizations or keys', async () => {
      await http()
        .post(`/api/organizations/${orgA.id}/teams`)
        .set(bearer(manager.token))
        .send({ name: 'Night shift' })
        .expect(201);
      const rotated = await http()
        .post(`/api/organizations/${orgA.id}/invite-code`)
        .set(bearer(manager.token))
        .expect(200);
      expect(rotated.body.inviteCode).not.toBe(orgA.inviteCode);
      await http()
        .post('/api/auth/register')
        .send({
          email: `${unique('late')}@example.test`,
          password: 'long enough',
          displayName: 'L',
          inviteCode: orgA.inviteCode,
        })
        .expect(400);
      orgA.inviteCode = rotated.body.inviteCode;
      await http()
        .post('/api/organizations')
        .set(bearer(manager.token))
        .send({ name: 'X', timezone: 'UTC' })
        .expect(403);
      await http().post('/api/api-keys').set(bearer(manager.token)).send({ name: 'x' }).expect(403);
    });

    it('a manager bound to organization A cannot manage organization B: its teams and invite codes stay', async () => {
      const codeB = (await http().get(`/api/organizations/${orgB.id}`).set(bearer(admin.token)).expect(200)).body
        .inviteCode;
      const teamCodeB = (await http().get(`/api/organizations/${orgB.id}/teams`).set(bearer(admin.token)).expect(200))
        .body.items[0].inviteCode;
      const refused = await http()
        .post(`/api/organizations/${orgB.id}/invite-code`)
        .set(bearer(manager.token))
        .expect(403);
      expect(refused.body.message).toMatch(/another organization/);
      await http()
        .post(`/api/organizations/${orgB.id}/teams/${teamB.id}/invite-code`)
        .set(bearer(manager.token))
        .expect(403);
      await http()
        .post(`/api/organizations/${orgB.id}/teams`)
        .set(bearer(manager.token))
        .send({ name: 'Intruders' })
        .expect(403);
      const after = await http().get(`/api/organizations/${orgB.id}`).set(bearer(admin.token)).expect(200);
      expect(after.body.inviteCode).toBe(codeB);
      const teams = await http().get(`/api/organizations/${orgB.id}/teams`).set(bearer(admin.token)).expect(200);
      expect(teams.body.items).toEqual([expect.objectContaining({ id: teamB.id, inviteCode: teamCodeB })]);
      // The admin still manages every organization.
      await http()
        .post(`/api/organizations/${orgB.id}/teams/${teamB.id}/invite-code`)
        .set(bearer(admin.token))
        .expect(200);
    });

    it('a role change takes effect on the next request, without a new token', async () => {
      const user = await registerMember(orgA.inviteCode, 'promoted');
      await http().get(`/api/organizations/${orgB.id}`).set(bearer(user.token)).expect(404);
      await http()
        .post(`/api/users/${user.id}/roles`)
        .set(bearer(admin.token))
        .send({ roles: ['member', 'manager'] })
        .expect(200);
      await http().get(`/api/organizations/${orgB.id}`).set(bearer(user.token)).expect(200);
    });

    it('roles must be known ones', async () => {
      await http()
        .post(`/api/users/${memberA.id}/roles`)
        .set(bearer(admin.token))
        .send({ roles: ['root'] })
        .expect(400);
      await http().post(`/api/users/${memberA.id}/roles`).set(bearer(admin.token)).send({ roles: [] }).expect(400);
      await http()
        .post(`/api/users/${'f'.repeat(24)}/roles`)
        .set(bearer(admin.token))
        .send({ roles: ['manager'] })
        .expect(404);
    });
  });
});
