import type { JwtService } from '@nestjs/jwt';
import { TtlCache } from '../common/ttl-cache';

/** How long a verified token is remembered (never past its own expiry). */
const REMEMBER_MS = 60_000;

interface VerifiedClaims {
  sub: string;
  exp?: number;
}

/**
 * Access tokens verified lately. Every request presents its token, and checking the signature and
 * parsing the claims again was a few percent of a request's CPU; a token is immutable, so a string
 * once verified stays valid until its `exp`, which a hit still honours. Only verified tokens are
 * kept (a forged one is checked, and refused, every time).
 */
export class VerifiedTokens {
  private readonly seen: TtlCache<string, VerifiedClaims>;

  constructor(
    private readonly jwt: Pick<JwtService, 'verify'>,
    maxEntries = 10_000,
  ) {
    this.seen = new TtlCache(REMEMBER_MS, maxEntries);
  }

  /** The token's claims, or null when it is forged, malformed or expired. */
  verify(token: string): VerifiedClaims | null {
    const now = Date.now();
    const known = this.seen.get(token, now);
    if (known && (known.exp === undefined || known.exp * 1000 > now)) return known;
    try {
      const claims = this.jwt.verify<VerifiedClaims>(token);
      this.seen.set(token, claims, now);
      return claims;
    } catch {
      return null;
    }
  }
}
