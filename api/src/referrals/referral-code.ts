import { randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: read aloud or copied from a phone, a code cannot be mistyped into another. */
export const REFERRAL_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const REFERRAL_CODE_LENGTH = 7;

/** A random code (31^7 ≈ 27 billion of them; uniqueness is the store's unique `_id`). */
export function newReferralCode(random: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < REFERRAL_CODE_LENGTH; i++) code += REFERRAL_ALPHABET[random(REFERRAL_ALPHABET.length)];
  return code;
}

/** What someone typed, as stored: upper case, without spaces or dashes. */
export function normalizeReferralCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}
