import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { insertOnce } from '../common/database-errors';
import { AtomicWrites } from '../database/atomic-writes';
import { Certificate } from './schemas/certificate.schema';

export interface CertificateFilter {
  organizationId?: Types.ObjectId;
  courseSlug?: string;
  /** The page after this certificate (newest first). */
  after?: { issuedAt: Date; id: string };
}

/** The only place that touches certificates. */
@Injectable()
export class CertificatesRepository {
  constructor(
    @InjectModel(Certificate.name) private readonly certificates: Model<Certificate>,
    private readonly atomic: AtomicWrites,
  ) {}

  /** Writes a certificate under its id once; false when it exists (or the member already has one for the course). */
  insert(certificate: Certificate): Promise<boolean> {
    return insertOnce(() => this.certificates.create(certificate));
  }

  find(id: string): Promise<Certificate | null> {
    return this.certificates.findById(id).lean<Certificate>().exec();
  }

  /** Certificates by id, each an `_id` look-up (FerretDB scans for `$in`); missing ones are left out. */
  async findMany(ids: string[]): Promise<Certificate[]> {
    const rows = await Promise.all(ids.map((id) => this.find(id)));
    return rows.filter((row): row is Certificate => row !== null);
  }

  /**
   * Revokes a certificate once; `changed` false when it was revoked already (or does not exist),
   * with the certificate as it is.
   */
  revoke(id: string, reason: string, by: Types.ObjectId, at: Date) {
    return this.atomic.updateOne(
      this.certificates,
      { _id: id, revokedAt: null },
      { $set: { revokedAt: at, revokedReason: reason, revokedBy: by } },
      { returnDocument: 'after' },
    );
  }

  /** The staff list, newest first; `limit + 1` rows so the caller can tell whether more follow. */
  list({ organizationId, courseSlug, after }: CertificateFilter, limit: number): Promise<Certificate[]> {
    const filter: Record<string, unknown> = {};
    if (organizationId) filter.organizationId = organizationId;
    if (courseSlug) filter.courseSlug = courseSlug;
    if (after) {
      filter.$or = [
        { issuedAt: trusted({ $lt: after.issuedAt }) },
        { issuedAt: after.issuedAt, _id: trusted({ $lt: after.id }) },
      ];
    }
    return this.certificates
      .find(filter)
      .sort({ issuedAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<Certificate[]>()
      .exec();
  }

  /** Valid certificates expiring in (from, until] whose holder has not been reminded. */
  dueForReminder(from: Date, until: Date, limit: number): Promise<Certificate[]> {
    return this.certificates
      .find({ expiresAt: trusted({ $gt: from, $lte: until }), remindedAt: null, revokedAt: null })
      .sort({ expiresAt: 1 })
      .limit(limit)
      .lean<Certificate[]>()
      .exec();
  }

  /** Claims the expiry reminder of a certificate once (before it is sent); false when already claimed. */
  async claimReminder(id: string, at: Date): Promise<boolean> {
    return (await this.atomic.updateOne(this.certificates, { _id: id, remindedAt: null }, { $set: { remindedAt: at } }))
      .changed;
  }
}
