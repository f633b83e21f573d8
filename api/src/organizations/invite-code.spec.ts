import { generateInviteCode, normalizeInviteCode } from './invite-code';

describe('invite codes', () => {
  it('are 8 unambiguous characters and rarely collide', () => {
    const codes = new Set(Array.from({ length: 2000 }, () => generateInviteCode()));
    expect(codes.size).toBe(2000);
    for (const code of codes) expect(code).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
  });

  it('normalize what people type', () => {
    expect(normalizeInviteCode('  northwind ')).toBe('NORTHWIND');
  });
});
