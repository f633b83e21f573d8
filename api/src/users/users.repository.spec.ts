import { Types } from 'mongoose';
import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
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
    const [a, b] = [
      new UsersRepository(users, await db.atomicWrites()),
      new UsersRepository(users, await db.atomicWrites()),
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
});
