import { findOperatorKey } from './operator-keys';

describe('findOperatorKey', () => {
  it('accepts plain values', () => {
    expect(findOperatorKey({ email: 'a@b.c', nested: { list: [1, 'two', { ok: true }] } })).toBeUndefined();
    expect(findOperatorKey(undefined)).toBeUndefined();
    expect(findOperatorKey('$gt')).toBeUndefined(); // a value, not a key
  });

  it.each([
    [{ email: { $gt: '' } }, 'email.$gt'],
    [{ $where: 'sleep(1)' }, '$where'],
    [{ a: [{ b: { $ne: 1 } }] }, 'a[0].b.$ne'],
    [{ 'profile.roles': 'admin' }, 'profile.roles'],
  ])('finds the operator in %p', (value, path) => {
    expect(findOperatorKey(value)).toBe(path);
  });

  it('stops at absurd depth', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100; i++) deep = deep.x = {};
    expect(findOperatorKey(root)).toBeDefined();
  });
});
