import {
  bearer,
  createOrganization,
  createStaff,
  http,
  loginAdmin,
  registerMember,
  runJob,
  Session,
  unique,
} from '../utils/hub';

interface JobRun {
  trigger: string;
  ok: boolean;
  asOf: string;
  result: Record<string, unknown> | null;
  error: string | null;
  by: { id: string; displayName: string } | null;
}
interface JobStatus {
  name: string;
  runs: number;
  failures: number;
  last: JobRun | null;
  lastManual: JobRun | null;
  lastFailure: JobRun | null;
}

describe('admin console', () => {
  let admin: Session;
  let organization: Awaited<ReturnType<typeof createOrganization>>;
  let member: Session;
  let manager: Session;

  beforeAll(async () => {
    admin = await loginAdmin();
    organization = await createOrganization(admin, unique('Console org'));
    member = await registerMember(organization.inviteCode, 'console');
    manager = await createStaff(admin, organization.inviteCode, ['manager']);
  });

  const jobs = async (): Promise<JobStatus[]> =>
    (await http().get('/api/admin/jobs').set(bearer(admin.token)).expect(200)).body.items;

  describe('job runs', () => {
    it('lists every registered job, each with its recorded runs', async () => {
      const names = (await jobs()).map((job) => job.name);
      expect(names).toEqual(
        expect.arrayContaining(['expire-points', 'review-tiers', 'reconcile', 'finish-postings', 'event-reminders']),
      );
    });

    it('remembers the last manual run of each job: who, as of when, and what it did', async () => {
      const asOf = new Date('2031-01-15T03:00:00.000Z');
      const before = (await jobs()).find((job) => job.name === 'review-tiers')!;
      const answer = (await runJob(admin, 'review-tiers', asOf)).body as Record<string, unknown>;
      await runJob(admin, 'reconcile');
      const after = await jobs();
      const tiers = after.find((job) => job.name === 'review-tiers')!;
      expect(tiers.runs).toBeGreaterThan(before.runs);
      expect(tiers.lastManual).toMatchObject({ trigger: 'manual', ok: true, asOf: asOf.toISOString(), error: null });
      expect(tiers.lastManual!.by).toEqual({ id: admin.id, displayName: expect.any(String) });
      // Counts are kept as they were answered.
      for (const [key, value] of Object.entries(answer)) {
        if (typeof value === 'number') expect(tiers.lastManual!.result![key]).toBe(value);
      }
      const reconcile = after.find((job) => job.name === 'reconcile')!;
      expect(reconcile.lastManual).toMatchObject({ trigger: 'manual', ok: true });
      expect(reconcile.lastManual!.result).toMatchObject({ entries: expect.any(Number), fixed: expect.any(Number) });
    });

    it('runs of different jobs at once are each recorded', async () => {
      const before = new Map((await jobs()).map((job) => [job.name, job.runs]));
      const names = ['expire-points', 'review-tiers', 'finish-postings', 'expire-points', 'review-tiers'];
      await Promise.all(names.map((name) => runJob(admin, name)));
      const after = new Map((await jobs()).map((job) => [job.name, job.runs]));
      // Scheduled sweeps may add runs meanwhile; never fewer than the ones asked for.
      expect(after.get('expire-points')! - before.get('expire-points')!).toBeGreaterThanOrEqual(2);
      expect(after.get('review-tiers')! - before.get('review-tiers')!).toBeGreaterThanOrEqual(2);
      expect(after.get('finish-postings')! - before.get('finish-postings')!).toBeGreaterThanOrEqual(1);
    });

    it('is for admins only', async () => {
      await http().get('/api/admin/jobs').expect(401);
      await http().get('/api/admin/jobs').set(bearer(member.token)).expect(403);
      await http().get('/api/admin/jobs').set(bearer(manager.token)).expect(403);
      await http().post('/api/admin/jobs/review-tiers').set(bearer(manager.token)).send({}).expect(403);
    });

    it('refuses an unknown job or bad input, and records nothing for it', async () => {
      await http().post('/api/admin/jobs/no-such-job').set(bearer(admin.token)).send({}).expect(400);
      await http().post('/api/admin/jobs/review-tiers').set(bearer(admin.token)).send({ asOf: 'soon' }).expect(400);
      await http()
        .post('/api/admin/jobs/review-tiers')
        .set(bearer(admin.token))
        .send({ asOf: { $gt: '' } })
        .expect(400);
      await http().post('/api/admin/jobs/review-tiers').set(bearer(admin.token)).send({ extra: 1 }).expect(400);
      expect((await jobs()).map((job) => job.name)).not.toContain('no-such-job');
    });
  });

  describe('organizations', () => {
    it('an admin renames an organization and moves it to another zone', async () => {
      const updated = await http()
        .patch(`/api/organizations/${organization.id}`)
        .set(bearer(admin.token))
        .send({ name: `${organization.name} (renamed)`, timezone: 'America/Chicago' })
        .expect(200);
      expect(updated.body).toMatchObject({ id: organization.id, timezone: 'America/Chicago' });
      const read = await http().get(`/api/organizations/${organization.id}`).set(bearer(admin.token)).expect(200);
      expect(read.body.name).toBe(`${organization.name} (renamed)`);
    });

    it('refuses a bad zone, operators, unknown fields, non-admins and unknown organizations', async () => {
      const path = `/api/organizations/${organization.id}`;
      await http().patch(path).set(bearer(admin.token)).send({ timezone: 'Mars/Olympus' }).expect(400);
      await http()
        .patch(path)
        .set(bearer(admin.token))
        .send({ name: { $ne: '' } })
        .expect(400);
      await http().patch(path).set(bearer(admin.token)).send({ inviteCode: 'MINE' }).expect(400);
      await http().patch(path).set(bearer(admin.token)).send({ name: '' }).expect(400);
      await http().patch(path).set(bearer(manager.token)).send({ name: 'Mine' }).expect(403);
      await http().patch('/api/organizations/0123456789abcdef01234567').set(bearer(admin.token)).send({}).expect(404);
      await http().patch('/api/organizations/nope').set(bearer(admin.token)).send({}).expect(400);
    });

    it("rotates a team's invite code: the old one stops working, the new one lands in the team", async () => {
      const team = (
        await http()
          .post(`/api/organizations/${organization.id}/teams`)
          .set(bearer(admin.token))
          .send({ name: 'Console crew' })
          .expect(201)
      ).body;
      const rotated = await http()
        .post(`/api/organizations/${organization.id}/teams/${team.id}/invite-code`)
        .set(bearer(admin.token))
        .expect(200);
      expect(rotated.body.inviteCode).not.toBe(team.inviteCode);
      await http()
        .post('/api/auth/register')
        .send({
          email: `${unique('old')}@example.test`,
          password: 'correct-horse-9',
          displayName: 'Old',
          inviteCode: team.inviteCode,
        })
        .expect(400);
      const joined = await registerMember(rotated.body.inviteCode, 'team');
      const me = await http().get('/api/me').set(bearer(joined.token)).expect(200);
      expect(me.body).toMatchObject({ organizationId: organization.id, teamId: team.id });
      const other = await createOrganization(admin, unique('Other'));
      await http()
        .post(`/api/organizations/${other.id}/teams/${team.id}/invite-code`)
        .set(bearer(admin.token))
        .expect(404);
      await http()
        .post(`/api/organizations/${organization.id}/teams/${team.id}/invite-code`)
        .set(bearer(member.token))
        .expect(403);
    });
  });

  describe('people', () => {
    it('finds people by part of their name or email, in one organization or all', async () => {
      const byEmail = await http()
        .get('/api/admin/users')
        .query({ q: member.email.slice(0, 14).toUpperCase() })
        .set(bearer(admin.token))
        .expect(200);
      expect(byEmail.body.items.map((u: { id: string }) => u.id)).toContain(member.id);
      const scoped = await http()
        .get('/api/admin/users')
        .query({ organizationId: organization.id, limit: 100 })
        .set(bearer(admin.token))
        .expect(200);
      expect(scoped.body.items.map((u: { id: string }) => u.id)).toEqual(
        expect.arrayContaining([member.id, manager.id]),
      );
      expect(scoped.body.items.every((u: { organizationId: string }) => u.organizationId === organization.id)).toBe(
        true,
      );
      // A pattern is matched as text, not as a regular expression.
      const literal = await http().get('/api/admin/users').query({ q: '.*' }).set(bearer(admin.token)).expect(200);
      expect(literal.body.items).toEqual([]);
    });

    it("shows a member's wallet after an adjustment with a reason", async () => {
      await http()
        .post('/api/points/adjustments')
        .set(bearer(admin.token))
        .send({ userId: member.id, amount: 75, reason: 'Console goodwill', idempotencyKey: unique('console-adjust') })
        .expect(201);
      const read = await http().get(`/api/admin/users/${member.id}`).set(bearer(admin.token)).expect(200);
      expect(read.body).toMatchObject({ id: member.id, email: member.email, points: { balance: 75 } });
    });

    it('is for admins only, and refuses bad input', async () => {
      await http().get('/api/admin/users').set(bearer(manager.token)).expect(403);
      await http().get(`/api/admin/users/${member.id}`).set(bearer(member.token)).expect(403);
      await http().get('/api/admin/users').query({ organizationId: 'nope' }).set(bearer(admin.token)).expect(400);
      await http().get('/api/admin/users').query({ 'q[$ne]': '' }).set(bearer(admin.token)).expect(400);
      await http()
        .get('/api/admin/users')
        .query({ q: 'x'.repeat(101) })
        .set(bearer(admin.token))
        .expect(400);
      await http().get('/api/admin/users/0123456789abcdef01234567').set(bearer(admin.token)).expect(404);
    });
  });
});
