import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { DomainEventBus } from '../common/domain-event-bus';
import { toObjectId } from '../common/pagination';
import { staffScope, type Principal } from '../common/roles';
import { ContentService } from '../content/content.service';
import { HubConfig } from '../config/hub-config';
import { MemberCache } from '../engine/member-cache';
import { CertificatesRepository } from './certificates.repository';
import { CourseCompletionService } from './course-completion.service';
import { CoursesRepository } from './courses.repository';
import { buildCredential, credentialClaims, type IssuerContext, issuerProfile, revocationList } from './credential';
import {
  IssuerProfileDto,
  mapMyCertificate,
  mapPublicCertificate,
  mapStaffCertificate,
  MyCertificateDto,
  PublicCertificateDto,
  RevocationListDto,
  StaffCertificateListDto,
} from './dto/certificate.dto';
import { IssuerKeys } from './issuer-key';
import type { Certificate } from './schemas/certificate.schema';

/** Certificate ids are base64url; anything else cannot be one (and is not looked up). */
const CERTIFICATE_ID = /^[A-Za-z0-9_-]{22,64}$/;
/** Holders are reminded this many days before their certificate expires. */
export const REMINDER_DAYS = 30;
/** Reminders one sweep sends at most; the next sweep continues. */
const REMINDER_BATCH = 500;

/**
 * Certificates after they are issued: the holder's list, the public verify view, the signed
 * Open Badges 3.0 credential and its revocation status, revocation by an admin, the staff list,
 * and the expiry reminders.
 */
@Injectable()
export class CertificatesService {
  constructor(
    private readonly certificates: CertificatesRepository,
    private readonly progress: CoursesRepository,
    private readonly completion: CourseCompletionService,
    private readonly content: ContentService,
    private readonly members: MemberCache,
    private readonly keys: IssuerKeys,
    private readonly events: DomainEventBus,
    private readonly config: HubConfig,
  ) {}

  issuer(): IssuerContext {
    return { baseUrl: this.config.HUB_PUBLIC_URL!, name: this.config.ISSUER_NAME };
  }

  /**
   * My certificates, newest first: the ids come from my progress document, each certificate is
   * an `_id` read. One that a crash left unwritten is written now.
   */
  async mine(caller: Principal): Promise<MyCertificateDto[]> {
    const userId = new Types.ObjectId(caller.id);
    const progress = await this.progress.progressOf(userId);
    const claimed = Object.entries(progress).filter(([, entry]) => entry.certificateId);
    const found = await this.certificates.findMany(claimed.map(([, entry]) => entry.certificateId!));
    const have = new Set(found.map((certificate) => certificate._id));
    for (const [slug, entry] of claimed) {
      if (have.has(entry.certificateId!)) continue;
      const course = this.content.courses().find((candidate) => candidate.slug === slug);
      const member = await this.members.get(userId);
      if (!course || !member) continue;
      const repaired = await this.completion.ensureCertificate(
        member,
        course,
        entry.certificateId!,
        entry.completedAt ?? new Date(),
      );
      if (repaired) found.push(repaired);
    }
    return found
      .sort((a, b) => b.issuedAt.getTime() - a.issuedAt.getTime())
      .map((certificate) => mapMyCertificate(certificate, this.issuer()));
  }

  /** The public view of a certificate; 404 for an unknown (or malformed) id. */
  async view(id: string): Promise<PublicCertificateDto> {
    return mapPublicCertificate(await this.find(id), this.issuer());
  }

  /** The certificate as a signed OpenBadgeCredential (VC-JWT, compact JWS). */
  async credential(id: string): Promise<string> {
    const credential = buildCredential(await this.find(id), this.issuer());
    return this.keys.sign(credentialClaims(credential));
  }

  /** What the credential's `credentialStatus` points to. */
  async status(id: string): Promise<RevocationListDto> {
    return revocationList(await this.find(id), this.issuer());
  }

  issuerProfile(): IssuerProfileDto {
    return issuerProfile(this.issuer(), this.keys.publicKeys());
  }

  jwks(): { keys: object[] } {
    return { keys: this.keys.publicKeys() };
  }

  /** Revokes a certificate once (409 when it already is) and tells its holder. */
  async revoke(caller: Principal, id: string, reason: string): Promise<PublicCertificateDto> {
    const current = await this.find(id);
    const result = await this.certificates.revoke(current._id, reason, new Types.ObjectId(caller.id), new Date());
    if (!result.changed) throw new ConflictException('This certificate is revoked already');
    const revoked = result.doc!;
    await this.events.publish('certificate.revoked', {
      userId: revoked.userId.toHexString(),
      certificateId: revoked._id,
      courseSlug: revoked.courseSlug,
      courseTitle: revoked.courseTitle,
      reason,
    });
    return mapPublicCertificate(revoked, this.issuer());
  }

  /**
   * Certificates for staff, newest first. Staff who belong to an organization see its members'
   * certificates only; admins and staff without one see all.
   */
  async list(
    caller: Principal,
    query: { courseSlug?: string; cursor?: string; limit?: number },
  ): Promise<StaffCertificateListDto> {
    const limit = query.limit ?? 50;
    const scope = staffScope(caller);
    const rows = await this.certificates.list(
      {
        organizationId: scope ? toObjectId(scope) : undefined,
        courseSlug: query.courseSlug,
        after: query.cursor ? decodeCursor(query.cursor) : undefined,
      },
      limit,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((certificate) => mapStaffCertificate(certificate, this.issuer())),
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    };
  }

  /**
   * Tells holders whose certificate expires within 30 days of `asOf`, once each: the reminder is
   * claimed on the certificate (one conditional update) before it is sent, so two instances or a
   * second run never send it twice.
   */
  async sendExpiryReminders(asOf = new Date()): Promise<{ reminded: number }> {
    const until = DateTime.fromJSDate(asOf).plus({ days: REMINDER_DAYS }).toJSDate();
    const due = await this.certificates.dueForReminder(asOf, until, REMINDER_BATCH);
    let reminded = 0;
    for (const certificate of due) {
      if (!(await this.certificates.claimReminder(certificate._id, asOf))) continue;
      const days = Math.max(1, Math.ceil((certificate.expiresAt!.getTime() - asOf.getTime()) / 86_400_000));
      await this.events.publish('certificate.expiring', {
        userId: certificate.userId.toHexString(),
        certificateId: certificate._id,
        courseSlug: certificate.courseSlug,
        courseTitle: certificate.courseTitle,
        expiresAt: certificate.expiresAt!,
        days,
      });
      reminded++;
    }
    return { reminded };
  }

  private async find(id: string): Promise<Certificate> {
    const certificate = CERTIFICATE_ID.test(id) ? await this.certificates.find(id) : null;
    if (!certificate) throw new NotFoundException('Certificate not found');
    return certificate;
  }
}

function encodeCursor(certificate: Certificate): string {
  return Buffer.from(`${certificate.issuedAt.toISOString()}|${certificate._id}`).toString('base64url');
}

function decodeCursor(cursor: string): { issuedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const issuedAt = new Date(at);
  if (!id || !CERTIFICATE_ID.test(id) || Number.isNaN(issuedAt.getTime())) {
    throw new BadRequestException('cursor must be a nextCursor returned by this list');
  }
  return { issuedAt, id };
}
