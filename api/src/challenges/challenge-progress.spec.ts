import { isOpen } from './challenge-progress';

describe('challenge window', () => {
  it('is open from its start (inclusive) to its end (exclusive)', () => {
    const window = { startsAt: new Date('2026-11-23T09:00:00Z'), endsAt: new Date('2026-11-30T09:00:00Z') };
    expect(isOpen(window, new Date('2026-11-23T08:59:59Z'))).toBe(false);
    expect(isOpen(window, new Date('2026-11-23T09:00:00Z'))).toBe(true);
    expect(isOpen(window, new Date('2026-11-30T09:00:00Z'))).toBe(false);
  });
});
