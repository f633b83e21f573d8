import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'ehk_';

/**
 * Keys carry 256 random bits, so a fast SHA-256 is the right hash here (argon2 is for
 * guessable passwords and would cost ~50 ms on every CRM call).
 */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = PREFIX + randomBytes(32).toString('base64url');
  return { key, prefix: key.slice(0, PREFIX.length + 6), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
