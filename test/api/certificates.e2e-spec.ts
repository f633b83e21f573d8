import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { DateTime } from 'luxon';
import {
  bearer,
  createOrganization,
  createStaff,
  db,
  http,
  hubUrl,
  registerMember,
  runJob,
  withProgram,
} from '../utils/hub';
import { courseFile, finishCourse } from '../utils/learn';

const HEAT_PUMPS = courseFile('heat-pump-sizing');
const REFRIGERANTS = courseFile('refrigerant-safety'); // validForMonths: 24

describe('Learn and Earn: certificates people can trust', () => {
  const program = withProgram();
  const newMember = () => registerMember(program.organization.inviteCode, 'holder');
  const issuer = async () => (await http().get('/api/issuer').expect(200)).body;
  const credentialOf = async (id: string) => {
    const response = await http().get(`/api/certificates/${id}/credential`).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/vc\+jwt/);
    return response.text;
  };

  it('shows a certificate to anyone with its link, and nothing for an unknown or malformed id', async () => {
    const member = await newMember();
    const certificate = (await finishCourse(member, HEAT_PUMPS))!;
    expect(certificate.id).toMatch(/^[A-Za-z0-9_-]{22,}$/); // ≥ 128 random bits, base64url
    expect(certificate.id).not.toMatch(/^[0-9a-f]{24}$/);
    const view = await http().get(`/api/certificates/${certificate.id}`).expect(200); // no login
    expect(view.body).toMatchObject({
      id: certificate.id,
      holderName: 'holder person',
      courseTitle: HEAT_PUMPS.title,
      issuedAt: expect.any(String),
      valid: true,
      status: 'valid',
    });
    expect(view.body).not.toHaveProperty('expiresAt');
    expect(view.body).not.toHaveProperty('revokedReason');
    expect(JSON.stringify(view.body)).not.toContain(member.email);
    expect(JSON.stringify(view.body)).not.toContain(member.id);
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAAAA', 'short', '../../etc', member.id]) {
      await http()
        .get(`/api/certificates/${encodeURIComponent(id)}`)
        .expect(404);
      await http()
        .get(`/api/certificates/${encodeURIComponent(id)}/credential`)
        .expect(404);
    }
  });

  it('issues an Open Badges 3.0 credential that verifies with jose against /api/issuer, and not once one byte changes', async () => {
    const member = await newMember();
    const { id } = (await finishCourse(member, HEAT_PUMPS))!;
    const profile = await issuer();
    expect(profile).toMatchObject({
      type: ['Profile'],
      jwks: { keys: [expect.objectContaining({ kid: expect.any(String) })] },
    });
    expect(profile.jwks.keys[0]).not.toHaveProperty('d'); // public keys only

    const jwt = await credentialOf(id);
    const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(profile.jwks), { issuer: profile.id });
    expect(['EdDSA', 'ES256']).toContain(protectedHeader.alg);
    expect(payload['@context']).toEqual(expect.arrayContaining(['https://www.w3.org/ns/credentials/v2']));
    expect((payload['@context'] as string[])[0]).toBe('https://www.w3.org/ns/credentials/v2');
    expect(payload.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(payload.issuer).toMatchObject({ id: profile.id, type: ['Profile'] });
    expect(payload.credentialSubject).toMatchObject({
      type: ['AchievementSubject'],
      achievement: { type: ['Achievement'], name: HEAT_PUMPS.title },
    });
    // The same keys are served as a plain JWKS too.
    await jwtVerify(jwt, createRemoteJWKSet(new URL(`${hubUrl()}/api/issuer/jwks`)));

    const [header, body, signature] = jwt.split('.');
    const bytes = Buffer.from(body, 'base64url');
    const at = bytes.indexOf(Buffer.from(HEAT_PUMPS.title.slice(0, 8)));
    bytes[at] = bytes[at] === 0x48 ? 0x4a : 0x48; // one byte of the course name
    const tampered = `${header}.${bytes.toString('base64url')}.${signature}`;
    await expect(jwtVerify(tampered, createLocalJWKSet(profile.jwks))).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
  });

  it('lets an admin revoke a certificate once; it then verifies as revoked, with the reason', async () => {
    const member = await newMember();
    const { id } = (await finishCourse(member, HEAT_PUMPS))!;
    const manager = await createStaff(program.admin, program.organization.inviteCode, ['manager']);
    await http().post(`/api/certificates/${id}/revoke`).set(bearer(member.token)).send({ reason: 'x' }).expect(403);
    await http().post(`/api/certificates/${id}/revoke`).set(bearer(manager.token)).send({ reason: 'x' }).expect(403);
    await http().post(`/api/certificates/${id}/revoke`).send({ reason: 'x' }).expect(401);
    for (const body of [
      {},
      { reason: '' },
      { reason: { $ne: '' } },
      { reason: 'x'.repeat(501) },
      { reason: 'ok', valid: true },
    ]) {
      await http().post(`/api/certificates/${id}/revoke`).set(bearer(program.admin.token)).send(body).expect(400);
    }
    const reason = 'The quiz was taken by a colleague.';
    // Ten admins' clicks at once: one revokes, the others hear it was revoked already.
    const attempts = await Promise.all(
      Array.from({ length: 10 }, () =>
        http().post(`/api/certificates/${id}/revoke`).set(bearer(program.admin.token)).send({ reason }),
      ),
    );
    expect(attempts.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
    const revoked = attempts.find((r) => r.status === 200)!;
    expect(revoked.body).toMatchObject({ id, valid: false, status: 'revoked', revokedReason: reason });
    await http().post(`/api/certificates/${id}/revoke`).set(bearer(program.admin.token)).send({ reason }).expect(409);

    const view = await http().get(`/api/certificates/${id}`).expect(200);
    expect(view.body).toMatchObject({ valid: false, status: 'revoked', revokedReason: reason });
    // The credential's signature still holds (it was issued), and its status says revoked.
    const profile = await issuer();
    const { payload } = await jwtVerify(await credentialOf(id), createLocalJWKSet(profile.jwks));
    const statusUrl = new URL((payload.credentialStatus as { id: string }).id);
    const status = await http().get(statusUrl.pathname).expect(200);
    expect(status.body.revokedCredentials).toEqual([{ id: payload.jti, revocationReason: reason }]);
    const mine = await http().get('/api/me/certificates').set(bearer(member.token)).expect(200);
    expect(mine.body.items[0]).toMatchObject({ id, valid: false, status: 'revoked', revokedReason: reason });
    const inbox = await http().get('/api/me/notifications').set(bearer(member.token)).expect(200);
    expect(inbox.body.items[0]).toMatchObject({ type: 'certificate.revoked', params: { reason } });
    expect(inbox.body.items.filter((n: { type: string }) => n.type === 'certificate.revoked')).toHaveLength(1);
  });

  it('dates a certificate that expires, reminds its holder once 30 days ahead, and verifies it as expired after', async () => {
    const member = await newMember();
    const { id } = (await finishCourse(member, REFRIGERANTS))!;
    const view = await http().get(`/api/certificates/${id}`).expect(200);
    const issuedAt = DateTime.fromISO(view.body.issuedAt, { zone: 'utc' });
    expect(view.body.expiresAt).toBe(issuedAt.plus({ months: REFRIGERANTS.validForMonths! }).toISO());

    const expiresAt = DateTime.fromISO(view.body.expiresAt);
    expect(
      (await runJob(program.admin, 'certificate-reminders', expiresAt.minus({ days: 31 }).toJSDate())).body,
    ).toEqual({
      reminded: 0,
    });
    const due = expiresAt.minus({ days: 10 }).toJSDate();
    // Five sweeps at once (as from five hub instances): the reminder is claimed once.
    const sweeps = await Promise.all(
      Array.from({ length: 5 }, () => runJob(program.admin, 'certificate-reminders', due)),
    );
    expect(sweeps.reduce((sum, sweep) => sum + (sweep.body.reminded as number), 0)).toBeGreaterThanOrEqual(1);
    expect((await runJob(program.admin, 'certificate-reminders', due)).body).toEqual({ reminded: 0 });
    const inbox = await http().get('/api/me/notifications').set(bearer(member.token)).expect(200);
    const reminders = inbox.body.items.filter((n: { type: string }) => n.type === 'certificate.expiring');
    expect(reminders).toEqual([
      expect.objectContaining({ params: expect.objectContaining({ certificateId: id, days: 10 }) }),
    ]);

    // Move the expiry into the past: the page says expired, and the JWT fails verification as expired.
    await (
      await db()
    )
      .collection('certificates')
      .updateOne(
        { _id: id as never },
        { $set: { issuedAt: new Date(Date.now() - 3 * 86_400_000), expiresAt: new Date(Date.now() - 86_400_000) } },
      );
    const expired = await http().get(`/api/certificates/${id}`).expect(200);
    expect(expired.body).toMatchObject({ valid: false, status: 'expired' });
    const profile = await issuer();
    await expect(jwtVerify(await credentialOf(id), createLocalJWKSet(profile.jwks))).rejects.toBeInstanceOf(
      errors.JWTExpired,
    );
  });

  it('lists certificates for staff: managers of an organization see only its members', async () => {
    const member = await newMember();
    const { id } = (await finishCourse(member, HEAT_PUMPS))!;
    const other = await createOrganization(program.admin);
    const outsider = await createStaff(program.admin, other.inviteCode, ['manager']);
    const manager = await createStaff(program.admin, program.organization.inviteCode, ['manager']);
    await http().get('/api/certificates').set(bearer(member.token)).expect(403);
    const mine = await http().get('/api/certificates?limit=100').set(bearer(manager.token)).expect(200);
    expect(mine.body.items.map((c: { id: string }) => c.id)).toContain(id);
    expect(mine.body.items.every((c: { organizationId: string }) => c.organizationId === program.organization.id)).toBe(
      true,
    );
    const theirs = await http().get('/api/certificates').set(bearer(outsider.token)).expect(200);
    expect(theirs.body.items.map((c: { id: string }) => c.id)).not.toContain(id);
    const filtered = await http()
      .get(`/api/certificates?courseSlug=${HEAT_PUMPS.slug}&limit=1`)
      .set(bearer(program.admin.token))
      .expect(200);
    expect(filtered.body.items).toHaveLength(1);
    expect(filtered.body.nextCursor).toEqual(expect.any(String));
    const next = await http()
      .get(`/api/certificates?courseSlug=${HEAT_PUMPS.slug}&limit=1&cursor=${filtered.body.nextCursor}`)
      .set(bearer(program.admin.token))
      .expect(200);
    expect(next.body.items[0].id).not.toBe(filtered.body.items[0].id);
    for (const query of ['courseSlug[$ne]=x', 'courseSlug=../x', 'limit=0', 'cursor=!!', 'cursor=bm9wZQ']) {
      await http().get(`/api/certificates?${query}`).set(bearer(program.admin.token)).expect(400);
    }
  });
});
