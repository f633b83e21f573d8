import { Types } from 'mongoose';
import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
import { CertificatesRepository } from './certificates.repository';
import { Certificate, CertificateSchema } from './schemas/certificate.schema';

const DAY = 86_400_000;

describe('CertificatesRepository (embedded FerretDB, two processes)', () => {
  let db: RealDatabase;
  let a: CertificatesRepository;
  let b: CertificatesRepository;

  beforeAll(async () => {
    db = await realDatabase();
    const model = db.model<Certificate>(Certificate.name, CertificateSchema);
    await model.init(); // the unique index is the second line of defence under test
    a = new CertificatesRepository(model, await db.atomicWrites());
    b = new CertificatesRepository(model, await db.atomicWrites());
  });
  afterAll(() => db.close());

  const certificate = (id: string, changes: Partial<Certificate> = {}): Certificate => ({
    _id: id,
    userId: new Types.ObjectId(),
    organizationId: null,
    courseSlug: 'heat-pumps',
    courseTitle: 'Heat pumps',
    courseSummary: 'Basics',
    criteria: 'All lessons',
    holderName: 'Ana',
    emailHash: 'sha256$x',
    salt: 'y',
    issuedAt: new Date(),
    expiresAt: null,
    revokedAt: null,
    revokedReason: null,
    revokedBy: null,
    remindedAt: null,
    ...changes,
  });

  it('writes a certificate once, and one per member and course', async () => {
    const first = certificate('cert-once-000000000000000');
    const results = await allAtOnce(10, (i) => (i % 2 ? a : b).insert(first));
    expect(results.filter((r) => r.status === 'fulfilled' && r.value)).toHaveLength(1);
    const sameCourse = certificate('cert-once-111111111111111', { userId: first.userId });
    expect(await a.insert(sameCourse)).toBe(false);
  });

  it('revokes once, whatever the concurrency', async () => {
    await a.insert(certificate('cert-revoke-0000000000000'));
    const results = await allAtOnce(10, (i) =>
      (i % 2 ? a : b).revoke('cert-revoke-0000000000000', `reason ${i}`, new Types.ObjectId(), new Date()),
    );
    const changed = results.filter((r) => r.status === 'fulfilled' && r.value.changed);
    expect(changed).toHaveLength(1);
    const stored = await a.find('cert-revoke-0000000000000');
    expect(stored!.revokedReason).toMatch(/^reason \d$/);
    expect((await a.revoke('nope-00000000000000000000', 'x', new Types.ObjectId(), new Date())).changed).toBe(false);
  });

  it('finds certificates due for a reminder and claims each reminder once', async () => {
    const now = new Date();
    await a.insert(certificate('cert-due-00000000000000000', { expiresAt: new Date(now.getTime() + 10 * DAY) }));
    await a.insert(certificate('cert-later-000000000000000', { expiresAt: new Date(now.getTime() + 60 * DAY) }));
    await a.insert(certificate('cert-past-0000000000000000', { expiresAt: new Date(now.getTime() - DAY) }));
    const due = await a.dueForReminder(now, new Date(now.getTime() + 30 * DAY), 100);
    expect(due.map((c) => c._id)).toEqual(['cert-due-00000000000000000']);
    const claims = await allAtOnce(10, (i) => (i % 2 ? a : b).claimReminder('cert-due-00000000000000000', now));
    expect(claims.filter((r) => r.status === 'fulfilled' && r.value)).toHaveLength(1);
    expect(await a.dueForReminder(now, new Date(now.getTime() + 30 * DAY), 100)).toEqual([]);
  });

  it('lists newest first in pages', async () => {
    const organizationId = new Types.ObjectId();
    const base = Date.now();
    for (let i = 0; i < 5; i++) {
      await a.insert(
        certificate(`cert-page-${i}${'0'.repeat(15)}`, { organizationId, issuedAt: new Date(base - i * 1000) }),
      );
    }
    const first = await a.list({ organizationId }, 2);
    expect(first.map((c) => c._id.slice(0, 11))).toEqual(['cert-page-0', 'cert-page-1', 'cert-page-2']);
    const last = first[1];
    const next = await a.list({ organizationId, after: { issuedAt: last.issuedAt, id: last._id } }, 2);
    expect(next.map((c) => c._id.slice(0, 11))).toEqual(['cert-page-2', 'cert-page-3', 'cert-page-4']);
  });
});
