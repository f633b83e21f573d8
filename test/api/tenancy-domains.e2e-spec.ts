import { DateTime } from 'luxon';
import {
  bearer,
  createOrganization,
  createStaff,
  db,
  http,
  loginAdmin,
  ObjectId,
  registerMember,
  Session,
  unique,
} from '../utils/hub';
import { createEvent, eventBody } from '../utils/events';

/**
 * The tenancy matrix across the domains: what organization B's program runs (an event, a campaign,
 * a reward, an evidence challenge) is invisible to organization A's members, and nothing they try
 * on it changes anything; the same ids reach B's members.
 */
describe('tenancy across events, campaigns, rewards and challenges', () => {
  let admin: Session;
  let memberA: Session;
  let memberB: Session;
  let managerA: Session;
  const ids = { event: '', campaign: '', reward: '', challenge: '' };
  const soon = (hours: number) => DateTime.now().plus({ hours }).toUTC().toISO();

  beforeAll(async () => {
    admin = await loginAdmin();
    const orgA = await createOrganization(admin, unique('Tenant A'));
    const orgB = await createOrganization(admin, unique('Tenant B'));
    memberA = await registerMember(orgA.inviteCode, 'tenant-a');
    memberB = await registerMember(orgB.inviteCode, 'tenant-b');
    managerA = await createStaff(admin, orgA.inviteCode, ['manager']);
    const forB = { audience: { organizationIds: [orgB.id] } };
    ids.event = (await createEvent(admin, eventBody(orgB.id))).id;
    ids.campaign = (
      await http()
        .post('/api/campaigns')
        .set(bearer(admin.token))
        .send({
          title: unique('B survey'),
          description: 'For B only',
          questions: [{ id: 'nps', type: 'nps', prompt: 'Recommend us?', required: true }],
          incentivePoints: 10,
          opensAt: soon(-1),
          closesAt: soon(48),
          ...forB,
        })
        .expect(201)
    ).body.id;
    ids.reward = (
      await http()
        .post('/api/rewards')
        .set(bearer(admin.token))
        .send({ name: unique('B reward'), description: 'For B only', kind: 'discount', cost: 10, ...forB })
        .expect(201)
    ).body.id;
    ids.challenge = (
      await http()
        .post('/api/challenges')
        .set(bearer(admin.token))
        .send({
          title: unique('B challenge'),
          description: 'For B only',
          kind: 'evidence',
          points: 50,
          startsAt: soon(-1),
          endsAt: soon(48),
          ...forB,
        })
        .expect(201)
    ).body.id;
  });

  const reads = () => [
    `/api/events/${ids.event}`,
    `/api/campaigns/${ids.campaign}`,
    `/api/challenges/${ids.challenge}`,
  ];
  const actions = () => [
    { path: `/api/events/${ids.event}/rsvp`, body: {} },
    { path: `/api/campaigns/${ids.campaign}/responses`, body: { answers: { nps: 10 } } },
    { path: `/api/rewards/${ids.reward}/redemptions`, body: {} },
    { path: `/api/challenges/${ids.challenge}/submissions`, body: { text: 'Done it' } },
  ];

  it("lists none of organization B's things to a member of A", async () => {
    for (const [path, id] of [
      ['/api/events', ids.event],
      ['/api/campaigns', ids.campaign],
      ['/api/rewards', ids.reward],
      ['/api/challenges', ids.challenge],
    ]) {
      const list = await http().get(path).set(bearer(memberA.token)).expect(200);
      const items = (Array.isArray(list.body) ? list.body : list.body.items) as Array<{ id: string }>;
      expect(items.map((item) => item.id)).not.toContain(id);
    }
  });

  it("answers 404 to a member of A for each of B's things, read or acted on, and changes nothing", async () => {
    for (const path of reads()) await http().get(path).set(bearer(memberA.token)).expect(404);
    for (const { path, body } of actions()) {
      const response = await http().post(path).set(bearer(memberA.token)).send(body);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
    const database = await db();
    const userId = new ObjectId(memberA.id);
    expect(await database.collection('event_rsvps').countDocuments({ userId })).toBe(0);
    expect(await database.collection('redemptions').countDocuments({ userId })).toBe(0);
    expect(await database.collection('submissions').countDocuments({ userId })).toBe(0);
    expect(await database.collection('ledger').countDocuments({ userId })).toBe(0);
  });

  it("keeps B's event attendees from A's manager", async () => {
    await http().post(`/api/events/${ids.event}/rsvp`).set(bearer(memberB.token)).expect(200);
    const attendees = await http().get(`/api/events/${ids.event}/attendees`).set(bearer(managerA.token));
    expect(attendees.status).toBe(404);
    expect(JSON.stringify(attendees.body)).not.toContain(memberB.email);
  });

  it("serves the same ids to B's member (the 404s above are tenancy, not missing things)", async () => {
    for (const path of reads()) await http().get(path).set(bearer(memberB.token)).expect(200);
    const rewards = await http().get('/api/rewards').set(bearer(memberB.token)).expect(200);
    expect(rewards.body.items.map((item: { id: string }) => item.id)).toContain(ids.reward);
  });
});
