import { randomInt } from 'node:crypto';

/**
 * Check-in codes are read aloud across a room and typed on phones: capital letters and digits
 * without the pairs people confuse (0/O, 1/I). Six of these 32 characters give about a billion
 * codes; guessing is further bounded by the per-user write rate limit and the window.
 */
export const CHECK_IN_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CHECK_IN_CODE_LENGTH = 6;

export function generateCheckInCode(): string {
  let code = '';
  for (let i = 0; i < CHECK_IN_CODE_LENGTH; i++) code += CHECK_IN_ALPHABET[randomInt(CHECK_IN_ALPHABET.length)];
  return code;
}

/** What a member typed ("abc 234", "ABC-234") in the stored form. */
export function normalizeCheckInCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

/** Grouped for reading aloud: "ABC 234". */
export function spokenCheckInCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}
