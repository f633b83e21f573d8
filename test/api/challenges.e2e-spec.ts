import { DateTime } from 'luxon';
import {
  bearer,
  collect,
  connectSocket,
  createApiKey,
  createOrganization,
  createStaff,
  db,
  http,
  me,
  ObjectId,
  postActivity,
  registerMember,
  Session,
  settle,
  unique,
  withProgram,
} from '../utils/hub';

describe('challenges', () => {
  const program = withProgram();
  let apiKey: string;
  let manager: Session;

  beforeAll(async () => {
    apiKey = await createApiKey(program.admin);
    manager = await createStaff(program.admin, program.organization.inviteCode, ['manager']);
  });

  const window = (fromHours = -1, toHours = 24 * 7) => ({
    startsAt: DateTime.now().plus({ hours: fromHours }).toUTC().toISO(),
    endsAt: DateTime.now().plus({ hours: toHours }).toUTC().toISO(),
  });
  const create = (body: Record<string, unknown>, by = manager) =>
    http()
      .post('/api/challenges')
      .set(bearer(by.token))
      .send({
        title: unique('Challenge'),
        description: 'Do the thing',
        points: 150,
        ...window(),
        // Aimed at this suite's organization, so other suites' members never progress on them.
        audience: { organizationIds: [program.organization.id] },
        ...body,
      });
  const newMember = (code = program.organization.inviteCode) => registerMember(code, 'challenger');
  const lesson = (userId: string) => postActivity(apiKey, { userId, type: 'lesson.completed' }).expect(201);
  const ledgerFor = async (userId: string, type: string) =>
    (await db())
      .collection('ledger')
      .find({ userId: new ObjectId(userId), 'source.type': type })
      .toArray();

  it('completes an automatic challenge once, live, when the goal is reached', async () => {
    const challenge = (await create({ kind: 'auto', goal: { activityType: 'lesson.completed', count: 3 } }).expect(201))
      .body;
    const member = await newMember();
    const bystander = await newMember();
    const socket = await connectSocket(member.token);
    const strayCompletions = collect(await connectSocket(bystander.token), 'challenge.completed');
    const completions = collect(socket, 'challenge.completed');
    try {
      await lesson(member.id);
      await lesson(member.id);
      let detail = await http().get(`/api/challenges/${challenge.id}`).set(bearer(member.token)).expect(200);
      expect(detail.body.myProgress).toEqual({ count: 2, goal: 3, status: 'open' });
      await lesson(member.id);
      await lesson(member.id); // past the goal: nothing more
      detail = await http().get(`/api/challenges/${challenge.id}`).set(bearer(member.token)).expect(200);
      expect(detail.body.myProgress).toEqual({ count: 3, goal: 3, status: 'completed' });
      await settle();
      expect(completions).toEqual([{ challengeId: challenge.id, title: challenge.title, points: 150 }]);
      expect(strayCompletions).toEqual([]);
      const credited = await ledgerFor(member.id, 'challenge.completed');
      expect(credited.map((entry) => entry.amount)).toEqual([150]);
      expect((await me(member)).points.balance).toBe(150 + 60 + 20);
    } finally {
      socket.close();
    }
  });

  describe('evidence', () => {
    it('is approved once by a manager, which completes and awards it (with its badge)', async () => {
      const challenge = (await create({ kind: 'evidence', points: 120, badgeKey: 'challenger' }).expect(201)).body;
      const member = await newMember();
      const submitted = await http()
        .post(`/api/challenges/${challenge.id}/submissions`)
        .set(bearer(member.token))
        .send({ text: 'Installed the demo unit at the depot', url: 'https://example.com/photo.jpg' })
        .expect(201);
      expect(submitted.body).toEqual({ id: expect.any(String), status: 'pending' });
      await http()
        .post(`/api/challenges/${challenge.id}/submissions`)
        .set(bearer(member.token))
        .send({ text: 'again' })
        .expect(409);
      const detail = await http().get(`/api/challenges/${challenge.id}`).set(bearer(member.token)).expect(200);
      expect(detail.body.myProgress).toMatchObject({ status: 'pending', lastSubmissionStatus: 'pending' });

      const queue = await http().get('/api/submissions?status=pending').set(bearer(manager.token)).expect(200);
      expect(queue.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            id: submitted.body.id,
            challengeTitle: challenge.title,
            displayName: 'challenger person',
          }),
        ]),
      );
      const approved = await http()
        .post(`/api/submissions/${submitted.body.id}/approve`)
        .set(bearer(manager.token))
        .send({})
        .expect(200);
      expect(approved.body).toMatchObject({ status: 'approved', decidedAt: expect.any(String) });
      await http()
        .post(`/api/submissions/${submitted.body.id}/approve`)
        .set(bearer(manager.token))
        .send({})
        .expect(409);
      await http().post(`/api/submissions/${submitted.body.id}/reject`).set(bearer(manager.token)).send({}).expect(409);

      expect((await me(member)).points.balance).toBe(120);
      const badges = (await http().get('/api/me/badges').set(bearer(member.token))).body.items.map(
        (b: { key: string }) => b.key,
      );
      expect(badges).toContain('challenger');
      await http()
        .post(`/api/challenges/${challenge.id}/submissions`)
        .set(bearer(member.token))
        .send({ text: 'more' })
        .expect(409);
    });

    it('is rejected with a comment the member sees, and may be submitted again', async () => {
      const challenge = (await create({ kind: 'evidence' }).expect(201)).body;
      const member = await newMember();
      const first = await http()
        .post(`/api/challenges/${challenge.id}/submissions`)
        .set(bearer(member.token))
        .send({ text: 'blurry' })
        .expect(201);
      await http()
        .post(`/api/submissions/${first.body.id}/reject`)
        .set(bearer(manager.token))
        .send({ comment: 'The photo is too blurry' })
        .expect(200);
      const detail = await http().get(`/api/challenges/${challenge.id}`).set(bearer(member.token)).expect(200);
      expect(detail.body.myProgress).toEqual({
        count: 0,
        goal: 1,
        status: 'open',
        rejectionComment: 'The photo is too blurry',
        lastSubmissionStatus: 'rejected',
      });
      const inbox = await http().get('/api/me/notifications').set(bearer(member.token));
      expect(inbox.body.items[0]).toMatchObject({
        type: 'submission.rejected',
        body: expect.stringContaining('too blurry'),
      });
      expect((await me(member)).points.balance).toBe(0);
      await http()
        .post(`/api/challenges/${challenge.id}/submissions`)
        .set(bearer(member.token))
        .send({ text: 'sharp now' })
        .expect(201);
    });

    it('takes submissions only for evidence challenges, from members, with valid input', async () => {
      const auto = (await create({ kind: 'auto', goal: { activityType: 'lesson.completed', count: 2 } }).expect(201))
        .body;
      const evidence = (await create({ kind: 'evidence' }).expect(201)).body;
      const member = await newMember();
      await http()
        .post(`/api/challenges/${auto.id}/submissions`)
        .set(bearer(member.token))
        .send({ text: 'x' })
        .expect(400);
      await http()
        .post(`/api/challenges/${evidence.id}/submissions`)
        .set(bearer(manager.token))
        .send({ text: 'x' })
        .expect(403);
      await http()
        .post(`/api/challenges/${evidence.id}/submissions`)
        .set(bearer(member.token))
        .send({ text: '' })
        .expect(400);
      await http()
        .post(`/api/challenges/${evidence.id}/submissions`)
        .set(bearer(member.token))
        .send({ text: 'x', url: 'javascript:alert(1)' })
        .expect(400);
    });
  });

  it('credits every member of a team once when the team reaches its goal', async () => {
    const team = (
      await http()
        .post(`/api/organizations/${program.organization.id}/teams`)
        .set(bearer(manager.token))
        .send({ name: unique('Crew') })
        .expect(201)
    ).body;
    const otherTeam = (
      await http()
        .post(`/api/organizations/${program.organization.id}/teams`)
        .set(bearer(manager.token))
        .send({ name: unique('Crew') })
        .expect(201)
    ).body;
    const challenge = (
      await create({ kind: 'team', points: 80, goal: { activityType: 'event.attended', count: 4 } }).expect(201)
    ).body;
    const [a, b, c] = [
      await newMember(team.inviteCode),
      await newMember(team.inviteCode),
      await newMember(team.inviteCode),
    ];
    const outsider = await newMember(otherTeam.inviteCode);
    const attend = (userId: string) => postActivity(apiKey, { userId, type: 'event.attended' }).expect(201);

    await attend(a.id);
    await attend(b.id);
    await attend(outsider.id); // another team's progress
    const midway = await http().get(`/api/challenges/${challenge.id}`).set(bearer(c.token)).expect(200);
    expect(midway.body.teamProgress).toEqual({ teamId: team.id, count: 2, goal: 4, completed: false });
    await Promise.all([attend(a.id), attend(b.id), attend(c.id)]); // crosses the goal concurrently
    await attend(a.id);

    for (const member of [a, b, c]) {
      expect((await ledgerFor(member.id, 'challenge.completed')).map((e) => e.amount)).toEqual([80]);
      const detail = await http().get(`/api/challenges/${challenge.id}`).set(bearer(member.token)).expect(200);
      expect(detail.body.myProgress.status).toBe('completed');
      expect(detail.body.teamProgress.completed).toBe(true);
    }
    expect(await ledgerFor(outsider.id, 'challenge.completed')).toEqual([]);
  });

  describe('visibility', () => {
    it('hides challenges outside a member’s organization, tier or window (404) but shows them to staff', async () => {
      const elsewhere = await createOrganization(program.admin);
      const member = await newMember();
      const hidden = [
        (await create({ kind: 'evidence', audience: { organizationIds: [elsewhere.id] } }).expect(201)).body,
        (await create({ kind: 'evidence', audience: { tiers: ['gold', 'platinum'] } }).expect(201)).body,
        (await create({ kind: 'evidence', ...window(24, 48) }).expect(201)).body, // not started
        (await create({ kind: 'evidence', ...window(-48, -24) }).expect(201)).body, // over
      ];
      const visible = (
        await create({ kind: 'evidence', audience: { organizationIds: [program.organization.id] } }).expect(201)
      ).body;
      const list = (await http().get('/api/challenges').set(bearer(member.token)).expect(200)).body.items.map(
        (c: { id: string }) => c.id,
      );
      expect(list).toContain(visible.id);
      for (const challenge of hidden) {
        expect(list).not.toContain(challenge.id);
        await http().get(`/api/challenges/${challenge.id}`).set(bearer(member.token)).expect(404);
        await http()
          .post(`/api/challenges/${challenge.id}/submissions`)
          .set(bearer(member.token))
          .send({ text: 'x' })
          .expect(404);
        await http().get(`/api/challenges/${challenge.id}`).set(bearer(manager.token)).expect(200);
      }
    });

    it('does not count activities of members outside the audience', async () => {
      const elsewhere = await createOrganization(program.admin);
      const challenge = (
        await create({
          kind: 'auto',
          goal: { activityType: 'contract.renewed', count: 1 },
          audience: { organizationIds: [elsewhere.id] },
        }).expect(201)
      ).body;
      const member = await newMember();
      await postActivity(apiKey, { userId: member.id, type: 'contract.renewed' }).expect(201);
      expect(await ledgerFor(member.id, 'challenge.completed')).toEqual([]);
      expect(challenge.id).toEqual(expect.any(String));
    });

    it('keeps the console to managers', async () => {
      const member = await newMember();
      const challenge = (await create({ kind: 'evidence' }).expect(201)).body;
      await create({ kind: 'evidence' }, member).expect(403);
      await http().patch(`/api/challenges/${challenge.id}`).set(bearer(member.token)).send({ points: 1 }).expect(403);
      await http().get(`/api/challenges/${challenge.id}/submissions`).set(bearer(member.token)).expect(403);
      await http().get('/api/submissions').set(bearer(member.token)).expect(403);
      await http()
        .post(`/api/submissions/${new ObjectId().toHexString()}/approve`)
        .set(bearer(member.token))
        .send({})
        .expect(403);
    });
  });

  describe('console', () => {
    it('validates challenges', async () => {
      await create({ kind: 'auto' }).expect(400); // no goal
      await create({
        kind: 'evidence',
        startsAt: DateTime.now().toISO(),
        endsAt: DateTime.now().minus({ hours: 1 }).toISO(),
      }).expect(400);
      await create({ kind: 'evidence', badgeKey: 'no-such-badge' }).expect(400);
      await create({ kind: 'auto', goal: { activityType: 'coffee.drunk', count: 1 } }).expect(400);
      await create({ kind: 'evidence', audience: { tiers: ['bronze'] } }).expect(400);
      await create({ kind: 'evidence', points: -1 }).expect(400);
      await create({ kind: 'evidence', startsAt: 'next tuesday' }).expect(400);
    });

    it('edits a challenge', async () => {
      const challenge = (
        await create({ kind: 'auto', goal: { activityType: 'lesson.completed', count: 5 } }).expect(201)
      ).body;
      const edited = await http()
        .patch(`/api/challenges/${challenge.id}`)
        .set(bearer(manager.token))
        .send({ title: 'Five lessons, now four', goal: { activityType: 'lesson.completed', count: 4 } })
        .expect(200);
      expect(edited.body).toMatchObject({
        title: 'Five lessons, now four',
        goal: { count: 4 },
        kind: 'auto',
        points: 150,
      });
      const badged = await http()
        .patch(`/api/challenges/${challenge.id}`)
        .set(bearer(manager.token))
        .send({ badgeKey: 'steady' })
        .expect(200);
      expect(badged.body.badgeKey).toBe('steady');
      const cleared = await http()
        .patch(`/api/challenges/${challenge.id}`)
        .set(bearer(manager.token))
        .send({ badgeKey: null })
        .expect(200);
      expect(cleared.body.badgeKey).toBeNull();
      await http()
        .patch(`/api/challenges/${challenge.id}`)
        .set(bearer(manager.token))
        .send({ kind: 'nonsense' })
        .expect(400);
      // null only where it means "none" (badgeKey): a required field is refused, nothing changed.
      for (const field of ['title', 'points', 'goal', 'audience']) {
        await http()
          .patch(`/api/challenges/${challenge.id}`)
          .set(bearer(manager.token))
          .send({ [field]: null })
          .expect(400);
      }
      const stored = await http().get(`/api/challenges/${challenge.id}`).set(bearer(manager.token)).expect(200);
      expect(stored.body).toMatchObject({ title: 'Five lessons, now four', points: 150, goal: { count: 4 } });
    });
  });

  describe('audience in the query', () => {
    it('lists my challenge even when 250 open challenges are aimed at other organizations', async () => {
      const others = await Promise.all([1, 2, 3].map(() => createOrganization(program.admin)));
      // Evidence challenges ending soon: the engine does not count activities towards them.
      const elsewhere = { kind: 'evidence', ...window(-1, 1) };
      for (let i = 0; i < 250; i += 25) {
        await Promise.all(
          Array.from({ length: 25 }, (_, j) =>
            create({ ...elsewhere, audience: { organizationIds: [others[(i + j) % 3].id] } }).expect(201),
          ),
        );
      }
      const mine = (await create({ ...elsewhere, title: unique('Mine') }).expect(201)).body;
      const member = await newMember();
      const listed = await http().get('/api/challenges').set(bearer(member.token)).expect(200);
      expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(mine.id);
      expect(
        listed.body.items.every((c: { audience: { organizationIds: string[] } }) =>
          c.audience.organizationIds.every((id) => id === program.organization.id),
        ),
      ).toBe(true);
    });

    it('aims by role and tier too, and a member outside the audience gets 404 for it', async () => {
      const goldOnly = (await create({ kind: 'evidence', audience: { tiers: ['gold'] } }).expect(201)).body;
      const productOnly = (await create({ kind: 'evidence', audience: { roles: ['product'] } }).expect(201)).body;
      const member = await newMember();
      const listed = (await http().get('/api/challenges').set(bearer(member.token)).expect(200)).body.items;
      expect(listed.map((c: { id: string }) => c.id)).not.toContain(goldOnly.id);
      expect(listed.map((c: { id: string }) => c.id)).not.toContain(productOnly.id);
      await http().get(`/api/challenges/${goldOnly.id}`).set(bearer(member.token)).expect(404);
      await create({ kind: 'evidence', audience: { roles: ['superhero'] } }).expect(400);
    });
  });

  describe('submissions a manager may see', () => {
    it("shows a manager of one organization only its members' submissions; an admin sees all", async () => {
      const other = await createOrganization(program.admin);
      const otherManager = await createStaff(program.admin, other.inviteCode, ['manager']);
      const challenge = (await create({ kind: 'evidence', audience: {} }).expect(201)).body;
      const mine = await newMember();
      const theirs = await newMember(other.inviteCode);
      for (const member of [mine, theirs]) {
        await http()
          .post(`/api/challenges/${challenge.id}/submissions`)
          .set(bearer(member.token))
          .send({ text: 'Photo of the finished install' })
          .expect(201);
      }
      const seenBy = async (staff: Session) =>
        (
          await http().get(`/api/challenges/${challenge.id}/submissions`).set(bearer(staff.token)).expect(200)
        ).body.items.map((s: { userId: string }) => s.userId);
      expect(await seenBy(manager)).toEqual([mine.id]);
      expect(await seenBy(otherManager)).toEqual([theirs.id]);
      expect((await seenBy(program.admin)).sort()).toEqual([mine.id, theirs.id].sort());
      const queue = (await http().get('/api/submissions?status=pending').set(bearer(manager.token)).expect(200)).body
        .items as Array<{ userId: string }>;
      expect(queue.some((s) => s.userId === theirs.id)).toBe(false);
      const theirSubmission = (
        await http().get(`/api/challenges/${challenge.id}/submissions`).set(bearer(otherManager.token)).expect(200)
      ).body.items[0];
      await http()
        .post(`/api/submissions/${theirSubmission.id}/approve`)
        .set(bearer(manager.token))
        .send({})
        .expect(404);
    });
  });
});
