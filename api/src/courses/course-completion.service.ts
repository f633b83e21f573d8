import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { createHash, randomBytes } from 'node:crypto';
import { DomainEventBus } from '../common/domain-event-bus';
import { type CourseDefinition, LEARN_ACTIVITY_TYPES } from '../content/courses';
import { ActivitiesService } from '../engine/activities.service';
import type { UserRecord } from '../users/users.repository';
import { CertificatesRepository } from './certificates.repository';
import { meetsCompletion } from './course-progress';
import { CoursesRepository } from './courses.repository';
import type { Certificate } from './schemas/certificate.schema';
import type { CourseProgressEntry } from './schemas/progress.schema';

/** 144 random bits, base64url: unguessable, and never a database id (the verify page is public). */
export function newCertificateId(): string {
  return randomBytes(18).toString('base64url');
}

/** What earning the certificate took, in words (kept on the certificate and in its credential). */
export function criteriaOf(course: CourseDefinition): string {
  const lessons = `all ${course.lessons.length} lesson${course.lessons.length === 1 ? '' : 's'} of “${course.title}”`;
  const quiz = course.quiz
    ? ` and passed its ${course.quiz.questions.length}-question quiz with at least ${course.quiz.passPercent}%`
    : '';
  return `Completed ${lessons}${quiz}.`;
}

/** The certificate a member gets for a course, as it is written once. */
export function certificateFor(user: UserRecord, course: CourseDefinition, id: string, issuedAt: Date): Certificate {
  const salt = randomBytes(16).toString('hex');
  const emailHash = `sha256$${createHash('sha256').update(`${user.email}${salt}`).digest('hex')}`;
  return {
    _id: id,
    userId: user._id,
    organizationId: user.organizationId ?? null,
    courseSlug: course.slug,
    courseTitle: course.title,
    courseSummary: course.summary,
    criteria: criteriaOf(course),
    holderName: user.displayName,
    emailHash,
    salt,
    issuedAt,
    expiresAt: course.validForMonths
      ? DateTime.fromJSDate(issuedAt, { zone: 'utc' }).plus({ months: course.validForMonths }).toJSDate()
      : null,
    revokedAt: null,
    revokedReason: null,
    revokedBy: null,
    remindedAt: null,
  };
}

/**
 * A course completes when every lesson is done and its quiz (if any) is passed: `course.completed`
 * through the engine (once, by its key) and one certificate. Both steps are safe to repeat, so
 * whichever request finds the course complete finishes what an interrupted one left.
 */
@Injectable()
export class CourseCompletionService {
  private readonly logger = new Logger(CourseCompletionService.name);

  constructor(
    private readonly progress: CoursesRepository,
    private readonly certificates: CertificatesRepository,
    private readonly activities: ActivitiesService,
    private readonly events: DomainEventBus,
  ) {}

  /** The course's certificate when `entry` completes it (issued now if it was not yet); else null. */
  async completeIfDone(
    user: UserRecord,
    course: CourseDefinition,
    entry: CourseProgressEntry,
  ): Promise<Certificate | null> {
    if (!meetsCompletion(course, entry)) return null;
    const userId = user._id.toHexString();
    const claim = entry.certificateId
      ? { certificateId: entry.certificateId, completedAt: entry.completedAt ?? new Date() }
      : await this.progress.claimCertificate(user._id, course.slug, newCertificateId(), new Date());
    const certificate = await this.ensureCertificate(user, course, claim.certificateId, claim.completedAt);
    await this.activities.record({
      user,
      type: LEARN_ACTIVITY_TYPES.course,
      idempotencyKey: `course:${course.slug}:completed:${userId}`,
      occurredAt: claim.completedAt,
      metadata: { courseSlug: course.slug },
      reason: `Course completed: ${course.title}`,
      source: { kind: 'feature', id: `course:${course.slug}` },
    });
    return certificate;
  }

  /** The certificate named by the member's progress, written once (again, if a crash lost it). */
  async ensureCertificate(
    user: UserRecord,
    course: CourseDefinition,
    certificateId: string,
    issuedAt: Date,
  ): Promise<Certificate | null> {
    const existing = await this.certificates.find(certificateId);
    if (existing) return existing;
    const certificate = certificateFor(user, course, certificateId, issuedAt);
    if (await this.certificates.insert(certificate)) {
      await this.events.publish('certificate.issued', {
        userId: user._id.toHexString(),
        certificateId,
        courseSlug: course.slug,
        courseTitle: course.title,
      });
      return certificate;
    }
    const raced = await this.certificates.find(certificateId);
    if (!raced)
      this.logger.warn(`Member ${user._id.toHexString()} has a certificate for ${course.slug} under another id`);
    return raced;
  }
}
