import { bearer, db, http, me, ObjectId, registerMember, Session, unique, withProgram } from './hub';

export type Reward = { id: string; stock: number | null; [key: string]: unknown };

/** What the rewards suites do again and again, for the suite's own program (see withProgram). */
export function rewardsWorld(program: ReturnType<typeof withProgram>) {
  const admin = () => program.admin;

  const grant = (userId: string, amount: number) =>
    http()
      .post('/api/points/adjustments')
      .set(bearer(admin().token))
      .send({ userId, amount, reason: 'Test points', idempotencyKey: unique('grant') })
      .expect(201);
  const createReward = async (body: Record<string, unknown> = {}): Promise<Reward> =>
    (
      await http()
        .post('/api/rewards')
        .set(bearer(admin().token))
        .send({
          name: unique('Reward'),
          description: 'Something nice',
          kind: 'gift-card',
          cost: 100,
          // Aimed at this suite's organization, so other suites' members never see it.
          audience: { organizationIds: [program.organization.id] },
          ...body,
        })
        .expect(201)
    ).body;
  const redeem = (member: Session, rewardId: string, idempotencyKey?: string) =>
    http()
      .post(`/api/rewards/${rewardId}/redemptions`)
      .set(bearer(member.token))
      .send(idempotencyKey ? { idempotencyKey } : {});
  /** Everyone this suite made, for the final check that the ledger equals their wallets. */
  const mine = new Set<string>();
  const newMember = async (label = 'redeemer') => {
    const member = await registerMember(program.organization.inviteCode, label);
    mine.add(member.id);
    return member;
  };
  const balanceOf = async (member: Session) => (await me(member)).points.balance as number;
  const rewardDoc = async (id: string) => (await db()).collection('rewards').findOne({ _id: new ObjectId(id) });
  const ledgerOf = async (member: Session) =>
    (await db())
      .collection('ledger')
      .find({ userId: new ObjectId(member.id) })
      .toArray();

  return { admin, grant, createReward, redeem, mine, newMember, balanceOf, rewardDoc, ledgerOf };
}
