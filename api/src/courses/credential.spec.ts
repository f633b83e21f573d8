import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import {
  buildCredential,
  certificateStatus,
  CREDENTIAL_CONTEXT,
  credentialClaims,
  issuerProfile,
  revocationList,
} from './credential';
import { GENERATED_KEY_FILE, IssuerKeyError, IssuerKeys, resolveIssuerKey } from './issuer-key';
import type { Certificate } from './schemas/certificate.schema';
import type { HubConfig } from '../config/hub-config';

const ctx = { baseUrl: 'https://hub.example.com', name: 'Northwind Partner Program' };
const certificate = (changes: Partial<Certificate> = {}): Certificate => ({
  _id: 'kxAs6C9ZuDFnnLj4FJ-2MHCN',
  userId: new Types.ObjectId(),
  organizationId: null,
  courseSlug: 'heat-pump-sizing',
  courseTitle: 'Heat pumps: sizing and efficiency',
  courseSummary: 'How heat pumps move heat.',
  criteria: 'Completed all 4 lessons and passed its quiz.',
  holderName: 'Ana Lind',
  emailHash: 'sha256$abc',
  salt: 'f00d',
  issuedAt: new Date('2026-03-01T10:00:00Z'),
  expiresAt: null,
  revokedAt: null,
  revokedReason: null,
  revokedBy: null,
  remindedAt: null,
  ...changes,
});

describe('buildCredential (Open Badges 3.0)', () => {
  it('is an OpenBadgeCredential with the VC 2.0 context first, the course as its Achievement', () => {
    const credential = buildCredential(certificate(), ctx);
    expect(credential['@context'][0]).toBe('https://www.w3.org/ns/credentials/v2');
    expect(credential['@context']).toEqual([...CREDENTIAL_CONTEXT]);
    expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(credential.issuer).toEqual({
      id: 'https://hub.example.com/api/issuer',
      type: ['Profile'],
      name: 'Northwind Partner Program',
      url: 'https://hub.example.com',
    });
    expect(credential.validFrom).toBe('2026-03-01T10:00:00.000Z');
    expect(credential).not.toHaveProperty('validUntil');
    expect(credential.credentialSubject.type).toEqual(['AchievementSubject']);
    expect(credential.credentialSubject.achievement).toMatchObject({
      id: 'https://hub.example.com/api/courses/heat-pump-sizing',
      type: ['Achievement'],
      achievementType: 'Course',
      name: 'Heat pumps: sizing and efficiency',
      criteria: { narrative: 'Completed all 4 lessons and passed its quiz.' },
    });
    expect(credential.credentialSubject.identifier).toEqual([
      { type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: 'Ana Lind' },
      { type: 'IdentityObject', identityType: 'emailAddress', hashed: true, identityHash: 'sha256$abc', salt: 'f00d' },
    ]);
    expect(credential.credentialStatus).toEqual({
      id: 'https://hub.example.com/api/certificates/kxAs6C9ZuDFnnLj4FJ-2MHCN/status',
      type: '1EdTechRevocationList',
    });
  });

  it('carries the registered JWT claims: iss, jti, nbf, and exp when the certificate expires', () => {
    const expiring = certificate({ expiresAt: new Date('2028-03-01T10:00:00Z') });
    const claims = credentialClaims(buildCredential(expiring, ctx));
    expect(claims).toMatchObject({
      iss: 'https://hub.example.com/api/issuer',
      jti: 'https://hub.example.com/api/certificates/kxAs6C9ZuDFnnLj4FJ-2MHCN',
      nbf: Date.parse('2026-03-01T10:00:00Z') / 1000,
      exp: Date.parse('2028-03-01T10:00:00Z') / 1000,
      validUntil: '2028-03-01T10:00:00.000Z',
    });
    expect(credentialClaims(buildCredential(certificate(), ctx))).not.toHaveProperty('exp');
  });

  it('tells valid, expired and revoked apart (revoked first), and lists a revocation', () => {
    const now = new Date('2027-01-01T00:00:00Z');
    expect(certificateStatus(certificate(), now)).toBe('valid');
    expect(certificateStatus(certificate({ expiresAt: new Date('2026-12-31T00:00:00Z') }), now)).toBe('expired');
    const revoked = certificate({ revokedAt: now, revokedReason: 'Issued by mistake', expiresAt: new Date(0) });
    expect(certificateStatus(revoked, now)).toBe('revoked');
    expect(revocationList(certificate(), ctx).revokedCredentials).toEqual([]);
    expect(revocationList(revoked, ctx).revokedCredentials).toEqual([
      {
        id: 'https://hub.example.com/api/certificates/kxAs6C9ZuDFnnLj4FJ-2MHCN',
        revocationReason: 'Issued by mistake',
      },
    ]);
  });
});

describe('issuer key and VC-JWT', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hub-issuer-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const keys = async (config: Partial<HubConfig>) => {
    const signer = new IssuerKeys({ HUB_DATA_DIR: dir, ...config } as HubConfig);
    await signer.onModuleInit();
    return signer;
  };

  it('makes an Ed25519 key on first start, keeps it in the data directory and reuses it', async () => {
    const first = await resolveIssuerKey(undefined, dir);
    const again = await resolveIssuerKey(undefined, dir);
    expect(first.alg).toBe('EdDSA');
    expect(again.publicJwk).toEqual(first.publicJwk);
    expect(first.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', use: 'sig', alg: 'EdDSA' });
    expect(first.publicJwk).not.toHaveProperty('d');
    expect(readFileSync(join(dir, GENERATED_KEY_FILE), 'utf8')).toContain('BEGIN PRIVATE KEY');
    // Each start writes its candidate key to a file of its own first; none is left behind.
    expect(readdirSync(dir).filter((name) => name.startsWith(`${GENERATED_KEY_FILE}.`))).toEqual([]);
  });

  it('signs with a configured P-256 key as ES256, and refuses keys it cannot use', async () => {
    const file = join(dir, 'provided.pem');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect((await resolveIssuerKey(file, dir)).alg).toBe('ES256');

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    writeFileSync(file, rsa.export({ type: 'pkcs8', format: 'pem' }));
    await expect(resolveIssuerKey(file, dir)).rejects.toThrow(/must be Ed25519 \(EdDSA\) or P-256/);
    writeFileSync(file, 'not a key');
    await expect(resolveIssuerKey(file, dir)).rejects.toThrow(IssuerKeyError);
    await expect(resolveIssuerKey(join(dir, 'absent.pem'), dir)).rejects.toThrow(/cannot read it/);
  });

  it('signs a credential that verifies against the issuer profile’s JWKS, and not once tampered with', async () => {
    const signer = await keys({});
    const profile = issuerProfile(ctx, signer.publicKeys());
    const jwt = await signer.sign(credentialClaims(buildCredential(certificate(), ctx)));
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: profile.jwks.keys[0].kid });

    const jwks = createLocalJWKSet(profile.jwks);
    const { payload } = await jwtVerify(jwt, jwks, { issuer: profile.id });
    expect(payload.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);

    const [header, body, signature] = jwt.split('.');
    const bytes = Buffer.from(body, 'base64url');
    bytes[bytes.indexOf('Ana Lind')] ^= 1; // one byte of the holder's name
    const tampered = `${header}.${bytes.toString('base64url')}.${signature}`;
    await expect(jwtVerify(tampered, jwks)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('signs an expired certificate so that JWT verification reports it expired', async () => {
    const signer = await keys({});
    const expired = certificate({ expiresAt: new Date(Date.now() - 86_400_000) });
    const jwt = await signer.sign(credentialClaims(buildCredential(expired, ctx)));
    await expect(jwtVerify(jwt, createLocalJWKSet({ keys: signer.publicKeys() }))).rejects.toBeInstanceOf(
      errors.JWTExpired,
    );
  });
});
