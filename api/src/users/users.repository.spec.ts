import { Types } from 'mongoose';
import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
import { MemberCount, MemberCountSchema } from './schemas/member-count.schema';
import { User, UserSchema } from './schemas/user.schema';
import { UsersRepository } from './users.repository';

describe('UsersRepository.changeTier (embedded FerretDB, two processes)', () => {
  let db: RealDatabase;

  beforeAll(async () => {
    db = await realDatabase();
  });
  afterAll(() => db.close());

  it('moves a member from a tier once, however many awards cross the threshold at once', async () => {
    const users = db.model<User>(User.name, UserSchema);
    const counts = db.model<MemberCount>(MemberCount.name, MemberCountSchema);
    const [a, b] = [
      new UsersRepository(users, await db.atomicWrites(), counts),
      new UsersRepository(users, await db.atomicWrites(), counts),
    ];
    const user = await a.create({
      email: 'tiers@example.test',
      passwordHash: 'x',
      displayName: 'Tiers',
      roles: ['member'],
      organizationId: new Types.ObjectId(),
      teamId: null,
    });
    const moves = await allAtOnce(10, (i) => (i % 2 ? a : b).changeTier(user._id, user.tierKey, 'silver'));
    expect(moves.filter((r) => r.status === 'fulfilled' && r.value !== null)).toHaveLength(1);
    expect((await a.findById(user._id))!.tierKey).toBe('silver');
  });

  it('keeps the member counts exact as members join and roles change at once', async () => {
    const users = db.model<User>(User.name, UserSchema);
    const counts = db.model<MemberCount>(MemberCount.name, MemberCountSchema);
    const [a, b] = [
      new UsersRepository(users, await db.atomicWrites(), counts),
      new UsersRepository(users, await db.atomicWrites(), counts),
    ];
    const organizationId = new Types.ObjectId();
    const before = await a.memberCount(null);
    const joined = await allAtOnce(12, (i) =>
      (i % 2 ? a : b).create({
        email: `count-${i}@example.test`,
        passwordHash: 'x',
        displayName: `Count ${i}`,
        roles: ['member'],
        organizationId,
        teamId: null,
      }),
    );
    const people = joined.map(
      (r) => (r as PromiseFulfilledResult<Awaited<ReturnType<UsersRepository['create']>>>).value,
    );
    expect(await a.memberCount(organizationId.toHexString())).toBe(12);
    await Promise.all([a.setRoles(people[0]._id, ['manager']), b.setRoles(people[1]._id, ['member', 'product'])]);
    await a.setRoles(people[0]._id, ['manager']); // no change the second time
    expect(await b.memberCount(organizationId.toHexString())).toBe(11);
    expect(await b.memberCount(null)).toBe(before + 11);
  });
});
