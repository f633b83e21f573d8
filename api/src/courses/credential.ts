import type { JWK } from 'jose';
import type { Certificate } from './schemas/certificate.schema';

/** VC data model 2.0 first (the spec requires it first), then the Open Badges 3.0 terms. */
export const CREDENTIAL_CONTEXT = [
  'https://www.w3.org/ns/credentials/v2',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
] as const;

/** Where the hub is reached and in whose name it issues. */
export interface IssuerContext {
  /** HUB_PUBLIC_URL, without a trailing slash. */
  baseUrl: string;
  name: string;
}

export type CertificateStatus = 'valid' | 'revoked' | 'expired';

/** Revoked wins over expired: the reason given is the one that matters. */
export function certificateStatus(
  certificate: Pick<Certificate, 'revokedAt' | 'expiresAt'>,
  now = new Date(),
): CertificateStatus {
  if (certificate.revokedAt) return 'revoked';
  if (certificate.expiresAt && certificate.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'valid';
}

export const urls = (ctx: IssuerContext, certificateId?: string) => ({
  issuer: `${ctx.baseUrl}/api/issuer`,
  jwks: `${ctx.baseUrl}/api/issuer/jwks`,
  site: ctx.baseUrl,
  credential: `${ctx.baseUrl}/api/certificates/${certificateId}`,
  credentialJwt: `${ctx.baseUrl}/api/certificates/${certificateId}/credential`,
  status: `${ctx.baseUrl}/api/certificates/${certificateId}/status`,
  verify: `${ctx.baseUrl}/verify/${certificateId}`,
  achievement: (slug: string) => `${ctx.baseUrl}/api/courses/${slug}`,
});

/** The issuer's Open Badges `Profile`, with its verification keys. */
export function issuerProfile(ctx: IssuerContext, keys: JWK[]) {
  const at = urls(ctx);
  return {
    '@context': [...CREDENTIAL_CONTEXT],
    id: at.issuer,
    type: ['Profile'],
    name: ctx.name,
    url: at.site,
    description: `Certificates of completion for the learning courses of ${ctx.name}.`,
    jwks: { keys },
    jwksUri: at.jwks,
  };
}

/** The issuer as it appears inside a credential (no keys). */
function issuerRef(ctx: IssuerContext) {
  const at = urls(ctx);
  return { id: at.issuer, type: ['Profile'], name: ctx.name, url: at.site };
}

/**
 * The certificate as an Open Badges 3.0 `OpenBadgeCredential`: the course is the `Achievement`,
 * the holder an `AchievementSubject` named by two identity objects — the name in clear, the email
 * as a salted SHA-256 hash (so the holder can prove it is theirs without it being published).
 * Revocation is looked up through `credentialStatus` (a 1EdTech revocation list of one).
 */
export function buildCredential(certificate: Certificate, ctx: IssuerContext) {
  const at = urls(ctx, certificate._id);
  const issuedAt = certificate.issuedAt.toISOString();
  return {
    '@context': [...CREDENTIAL_CONTEXT],
    id: at.credential,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: certificate.courseTitle,
    description: `Certificate of completion: ${certificate.courseTitle}`,
    issuer: issuerRef(ctx),
    validFrom: issuedAt,
    ...(certificate.expiresAt ? { validUntil: certificate.expiresAt.toISOString() } : {}),
    awardedDate: issuedAt,
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [
        { type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: certificate.holderName },
        {
          type: 'IdentityObject',
          identityType: 'emailAddress',
          hashed: true,
          identityHash: certificate.emailHash,
          salt: certificate.salt,
        },
      ],
      achievement: {
        id: at.achievement(certificate.courseSlug),
        type: ['Achievement'],
        achievementType: 'Course',
        name: certificate.courseTitle,
        description: certificate.courseSummary,
        criteria: { narrative: certificate.criteria },
        creator: issuerRef(ctx),
        inLanguage: 'en',
      },
    },
    credentialStatus: { id: at.status, type: '1EdTechRevocationList' },
  };
}

export type OpenBadgeCredential = ReturnType<typeof buildCredential>;

/**
 * The VC-JWT payload (Open Badges 3.0 §8.2 with VCDM 2.0): the credential itself, plus the
 * registered claims verifiers check — `iss` the issuer, `jti` the credential, `nbf` = validFrom,
 * `exp` = validUntil (so an expired certificate fails JWT verification by itself). No `iat`: the
 * same certificate always signs to the same token.
 */
export function credentialClaims(credential: OpenBadgeCredential): Record<string, unknown> {
  const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  return {
    ...credential,
    iss: credential.issuer.id,
    jti: credential.id,
    nbf: seconds(credential.validFrom),
    ...('validUntil' in credential && credential.validUntil ? { exp: seconds(credential.validUntil) } : {}),
  };
}

/** A revocation list holding this one credential when it is revoked (what credentialStatus.id answers). */
export function revocationList(certificate: Certificate, ctx: IssuerContext) {
  const at = urls(ctx, certificate._id);
  return {
    id: at.status,
    issuer: at.issuer,
    revokedCredentials: certificate.revokedAt
      ? [{ id: at.credential, revocationReason: certificate.revokedReason ?? 'Revoked by the issuer' }]
      : [],
  };
}
