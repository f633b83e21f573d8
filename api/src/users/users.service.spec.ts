import { Types } from 'mongoose';
import type { Role } from '../common/roles';
import type { UserRecord, UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** An in-memory stand-in for the repository: these specs are about the principal cache, not storage. */
function repositoryWith(user: UserRecord) {
  const stored = { ...user };
  const repository = {
    findById: jest.fn((id: Types.ObjectId) => Promise.resolve(id.equals(stored._id) ? { ...stored } : null)),
    setRoles: jest.fn((_id: Types.ObjectId, roles: Role[]) => Promise.resolve(Object.assign(stored, { roles }))),
  };
  return repository;
}

const member = (): UserRecord =>
  ({
    _id: new Types.ObjectId(),
    email: 'ana@example.test',
    displayName: 'Ana',
    roles: ['member'],
    organizationId: new Types.ObjectId(),
    teamId: null,
    locale: 'en',
    timezone: null,
    leaderboardOptIn: true,
  }) as unknown as UserRecord;

describe('UsersService.principalFor', () => {
  it('looks a token subject up once while cached, and not at all for a malformed id', async () => {
    const user = member();
    const repository = repositoryWith(user);
    const users = new UsersService(repository as unknown as UsersRepository);
    const first = await users.principalFor(user._id.toHexString());
    const second = await users.principalFor(user._id.toHexString());
    expect(first).toEqual({
      id: user._id.toHexString(),
      roles: ['member'],
      organizationId: user.organizationId!.toHexString(),
      teamId: null,
    });
    expect(second).toEqual(first);
    expect(repository.findById).toHaveBeenCalledTimes(1);
    expect(await users.principalFor('not-an-id')).toBeNull();
    expect(repository.findById).toHaveBeenCalledTimes(1);
  });

  it('sees a role change made through this process at once', async () => {
    const user = member();
    const repository = repositoryWith(user);
    const users = new UsersService(repository as unknown as UsersRepository);
    expect((await users.principalFor(user._id.toHexString()))!.roles).toEqual(['member']);
    await users.setRoles(user._id.toHexString(), ['member', 'manager']);
    expect((await users.principalFor(user._id.toHexString()))!.roles).toEqual(['member', 'manager']);
  });

  it('does not remember an unknown account, so one created later is found', async () => {
    const user = member();
    const repository = repositoryWith(user);
    const users = new UsersService(repository as unknown as UsersRepository);
    repository.findById.mockResolvedValueOnce(null);
    expect(await users.principalFor(user._id.toHexString())).toBeNull();
    expect(await users.principalFor(user._id.toHexString())).not.toBeNull();
  });
});
