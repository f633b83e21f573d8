import { newReferralCode, normalizeReferralCode, REFERRAL_ALPHABET } from './referral-code';

describe('referral codes', () => {
  it('are short and use no look-alike characters', () => {
    for (let i = 0; i < 200; i++) expect(newReferralCode()).toMatch(/^[2-9A-HJKMNP-Z]{7}$/);
    expect(REFERRAL_ALPHABET).not.toMatch(/[01ILO]/);
  });

  it('read what people type: any case, spaces or dashes', () => {
    expect(normalizeReferralCode(' k7m-3q9p ')).toBe('K7M3Q9P');
  });
});
