import { CHECK_IN_ALPHABET, generateCheckInCode, normalizeCheckInCode, spokenCheckInCode } from './check-in-code';

describe('check-in codes', () => {
  it('use no character people confuse when reading aloud (0/O, 1/I)', () => {
    for (const confusing of ['0', 'O', '1', 'I']) expect(CHECK_IN_ALPHABET).not.toContain(confusing);
    expect(new Set(CHECK_IN_ALPHABET).size).toBe(CHECK_IN_ALPHABET.length);
  });

  it('are six characters of that alphabet, and differ', () => {
    const codes = Array.from({ length: 500 }, generateCheckInCode);
    for (const code of codes) expect(code).toMatch(new RegExp(`^[${CHECK_IN_ALPHABET}]{6}$`));
    expect(new Set(codes).size).toBeGreaterThan(495);
  });

  it('accept what people type: lower case, spaces, dashes', () => {
    expect(normalizeCheckInCode(' abc-234 ')).toBe('ABC234');
    expect(normalizeCheckInCode('Abc 234')).toBe('ABC234');
    expect(spokenCheckInCode('ABC234')).toBe('ABC 234');
  });
});
