import { DateTime } from 'luxon';
import type { NotificationPayload } from '../../api/src/realtime/server-events';
import {
  bearer,
  connectSocket,
  createApiKey,
  createStaff,
  db,
  http,
  nextEvent,
  ObjectId,
  postActivity,
  registerMember,
  runJob,
  Session,
  unique,
  withProgram,
} from '../utils/hub';

/**
 * Every notification kind carries `type`, flat `params` and a `link`, so a client renders it in the
 * member's language and opens what it is about; `title`/`body` stay the English fallback.
 */
describe('notifications', () => {
  const program = withProgram();
  let apiKey: string;
  let manager: Session;

  beforeAll(async () => {
    apiKey = await createApiKey(program.admin);
    manager = await createStaff(program.admin, program.organization.inviteCode, ['manager']);
  });

  const newMember = () => registerMember(program.organization.inviteCode, 'notified');
  const inbox = async (member: Session): Promise<NotificationPayload[]> =>
    (await http().get('/api/me/notifications').set(bearer(member.token)).expect(200)).body.items;
  const ofType = async (member: Session, type: string) => (await inbox(member)).filter((n) => n.type === type);
  const adjust = (userId: string, amount: number, reason = 'test') =>
    http()
      .post('/api/points/adjustments')
      .set(bearer(program.admin.token))
      .send({ userId, amount, reason, idempotencyKey: unique('adj') })
      .expect(201);
  const createChallenge = (body: Record<string, unknown>) =>
    http()
      .post('/api/challenges')
      .set(bearer(manager.token))
      .send({
        title: unique('Notified challenge'),
        description: 'For the notification tests.',
        kind: 'auto',
        points: 30,
        startsAt: DateTime.now().minus({ hours: 1 }).toUTC().toISO(),
        endsAt: DateTime.now().plus({ days: 7 }).toUTC().toISO(),
        audience: { organizationIds: [program.organization.id] },
        ...body,
      })
      .expect(201)
      .then((response) => response.body as { id: string; title: string });

  it('points: the points.awarded push names its kind, params and link beside the old fields', async () => {
    const member = await newMember();
    const socket = await connectSocket(member.token);
    try {
      const award = nextEvent(socket, 'points.awarded');
      await adjust(member.id, 40, 'Webinar host');
      expect(await award).toMatchObject({
        amount: 40,
        reason: 'Webinar host',
        type: 'points.awarded',
        params: { amount: 40, reason: 'Webinar host', activityType: 'adjustment' },
        link: '/',
      });
      const activity = nextEvent(socket, 'points.awarded');
      await postActivity(apiKey, { userId: member.id, type: 'contract.renewed' }).expect(201);
      expect((await activity).params).toEqual({
        amount: 500,
        reason: expect.any(String),
        activityType: 'contract.renewed',
      });
    } finally {
      socket.close();
    }
  });

  it('badge earned: the badge in params, a link to the badges, the same shape pushed and listed', async () => {
    const member = await newMember();
    const socket = await connectSocket(member.token);
    try {
      const pushed = nextEvent(socket, 'notification');
      await postActivity(apiKey, { userId: member.id, type: 'lesson.completed' }).expect(201);
      const expected = {
        type: 'badge.earned',
        title: 'New badge: First steps',
        body: 'Complete your first lesson.',
        params: { key: 'first-steps', name: 'First steps', description: 'Complete your first lesson.' },
        link: '/badges',
        readAt: null,
      };
      expect(await pushed).toMatchObject(expected);
      const [listed] = await ofType(member, 'badge.earned');
      expect(listed).toMatchObject(expected);
      expect(listed).toEqual(await pushed);
    } finally {
      socket.close();
    }
  });

  it('tier changed: up and down, with the tier, its benefits and the window in params', async () => {
    const member = await newMember();
    await adjust(member.id, 1000);
    const [up] = await ofType(member, 'tier.changed');
    expect(up).toMatchObject({
      title: 'Welcome to Silver!',
      params: {
        variant: 'up',
        from: 'member',
        to: 'silver',
        tier: 'Silver',
        benefits: 'Early registration for club events; Silver-only courses',
        months: 12,
      },
      link: '/',
    });

    const later = DateTime.now().plus({ months: 13 });
    try {
      await runJob(program.admin, 'review-tiers', later.toJSDate()); // grace starts
      await runJob(program.admin, 'review-tiers', later.plus({ days: 31 }).toJSDate());
      const [down] = await ofType(member, 'tier.changed');
      expect(down).toMatchObject({
        title: 'Tier review: Member',
        params: { variant: 'down', from: 'silver', to: 'member', tier: 'Member', months: 12 },
        link: '/',
      });
    } finally {
      await runJob(program.admin, 'review-tiers'); // back to the present for the other tests
    }
  });

  it('challenge completed: the challenge in params and a link to it; no points is a variant', async () => {
    const member = await newMember();
    const paid = await createChallenge({ goal: { activityType: 'event.attended', count: 1 } });
    await postActivity(apiKey, { userId: member.id, type: 'event.attended' }).expect(201);
    const [completed] = await ofType(member, 'challenge.completed');
    expect(completed).toMatchObject({
      title: `Challenge completed: ${paid.title}`,
      body: '30 points are on their way to your balance.',
      params: { challengeId: paid.id, title: paid.title, points: 30 },
      link: `/challenges/${paid.id}`,
    });
    expect(completed.params).not.toHaveProperty('variant');

    const other = await newMember();
    const unpaid = await createChallenge({ points: 0, goal: { activityType: 'quiz.passed', count: 1 } });
    await postActivity(apiKey, { userId: other.id, type: 'quiz.passed' }).expect(201);
    const [thanks] = await ofType(other, 'challenge.completed');
    expect(thanks).toMatchObject({
      body: 'Well done!',
      params: { variant: 'noPoints', challengeId: unpaid.id, points: 0 },
      link: `/challenges/${unpaid.id}`,
    });
  });

  it('submission rejected: the manager’s comment in params and a link to the challenge', async () => {
    const challenge = await createChallenge({ kind: 'evidence' });
    const member = await newMember();
    const reject = async (comment?: string) => {
      const submission = await http()
        .post(`/api/challenges/${challenge.id}/submissions`)
        .set(bearer(member.token))
        .send({ text: 'here it is' })
        .expect(201);
      await http()
        .post(`/api/submissions/${submission.body.id}/reject`)
        .set(bearer(manager.token))
        .send(comment ? { comment } : {})
        .expect(200);
    };
    await reject('The photo is too blurry');
    const [withComment] = await ofType(member, 'submission.rejected');
    expect(withComment).toMatchObject({
      title: `Not approved yet: ${challenge.title}`,
      params: { challengeId: challenge.id, title: challenge.title, comment: 'The photo is too blurry' },
      link: `/challenges/${challenge.id}`,
    });
    await reject();
    const [withoutComment] = await ofType(member, 'submission.rejected');
    expect(withoutComment).toMatchObject({
      body: 'You can submit again.',
      params: { variant: 'noComment', challengeId: challenge.id, comment: '' },
      link: `/challenges/${challenge.id}`,
    });
  });

  it('still lists notifications stored before params and links existed', async () => {
    const member = await newMember();
    const { insertedId } = await (await db()).collection('notifications').insertOne({
      userId: new ObjectId(member.id),
      type: 'badge.earned',
      title: 'New badge: Old timer',
      body: 'Stored by an older hub.',
      tip: null,
      readAt: null,
      createdAt: new Date(),
    });
    const [old] = await inbox(member);
    expect(old).toEqual({
      id: insertedId.toHexString(),
      type: 'badge.earned',
      title: 'New badge: Old timer',
      body: 'Stored by an older hub.',
      params: {},
      tip: null,
      createdAt: expect.any(String),
      readAt: null,
    });
  });
});
