import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { isStaff, type Principal } from '../common/roles';
import { ContentService } from '../content/content.service';
import { type CourseDefinition, LEARN_ACTIVITY_TYPES, type LessonDefinition } from '../content/courses';
import { HubConfig } from '../config/hub-config';
import { ActivitiesService } from '../engine/activities.service';
import { MemberCache } from '../engine/member-cache';
import { OrganizationsService } from '../organizations/organizations.service';
import type { UserRecord } from '../users/users.repository';
import { CertificatesRepository } from './certificates.repository';
import { CourseCompletionService } from './course-completion.service';
import { CoursesRepository } from './courses.repository';
import { mapCourseCertificate } from './dto/certificate.dto';
import {
  CourseDetailDto,
  CourseSummaryDto,
  LessonCompletionDto,
  LessonDto,
  mapCourseSummary,
  mapLesson,
  mapModules,
  mapMyProgress,
  mapQuiz,
  MyQuizDto,
  nextLesson,
} from './dto/course.dto';
import { mapAttemptSummary, QuizAttemptResultDto, QuizAttemptSummaryDto } from './dto/quiz.dto';
import { gradeAttempt, InvalidAnswers, type SubmittedAnswers } from './grading';
import type { CourseProgressEntry } from './schemas/progress.schema';

/** How many attempts the history shows. */
const ATTEMPT_HISTORY = 20;

/**
 * Learn and Earn for members: the catalog with their progress, lessons, completion (points
 * through the engine, once per lesson), server-graded quizzes and, through CourseCompletionService,
 * course completion and certificates. Courses come from content/ (ContentService).
 */
@Injectable()
export class CoursesService {
  constructor(
    private readonly content: ContentService,
    private readonly repository: CoursesRepository,
    private readonly certificates: CertificatesRepository,
    private readonly completion: CourseCompletionService,
    private readonly activities: ActivitiesService,
    private readonly members: MemberCache,
    private readonly organizations: OrganizationsService,
    private readonly config: HubConfig,
  ) {}

  /** The catalog with my progress: one `_id` read of my progress (the member comes from a short cache). */
  async list(caller: Principal): Promise<CourseSummaryDto[]> {
    const [member, progress] = await Promise.all([this.member(caller), this.repository.progressOf(oid(caller.id))]);
    return this.content.courses().map((course) => this.summary(course, progress[course.slug], caller, member));
  }

  async get(caller: Principal, slug: string): Promise<CourseDetailDto> {
    const course = this.course(slug);
    const [member, progress] = await Promise.all([this.member(caller), this.repository.progressOf(oid(caller.id))]);
    const entry = progress[course.slug];
    const summary = this.summary(course, entry, caller, member);
    const [myQuiz, certificate] = await Promise.all([
      course.quiz ? this.myQuiz(member, course, entry) : undefined,
      entry?.certificateId ? this.certificates.find(entry.certificateId) : null,
    ]);
    return {
      ...summary,
      modules: mapModules(course, entry),
      ...(course.quiz ? { quiz: mapQuiz(course, summary.locked), myQuiz } : {}),
      ...(certificate ? { certificate: mapCourseCertificate(certificate, this.issuer()) } : {}),
    };
  }

  async lesson(caller: Principal, slug: string, lessonSlug: string): Promise<LessonDto> {
    const course = this.course(slug);
    const lesson = this.lessonOf(course, lessonSlug);
    const [member, progress] = await Promise.all([this.member(caller), this.repository.progressOf(oid(caller.id))]);
    this.assertUnlocked(course, caller, member);
    return mapLesson(course, lesson, Boolean(progress[course.slug]?.lessons?.[lesson.slug]));
  }

  /**
   * Completes a lesson for the caller: once in their progress, once in the engine (the key names
   * course, lesson and member, so however many requests race only one awards), then the course
   * when this was the last step.
   */
  async completeLesson(caller: Principal, slug: string, lessonSlug: string): Promise<LessonCompletionDto> {
    const course = this.course(slug);
    const lesson = this.lessonOf(course, lessonSlug);
    const member = await this.participant(caller, course);
    const { first, entry } = await this.repository.completeLesson(member._id, course.slug, lesson.slug, new Date());
    const award = await this.activities.record({
      user: member,
      type: LEARN_ACTIVITY_TYPES.lesson,
      idempotencyKey: `lesson:${course.slug}:${lesson.slug}:${caller.id}`,
      metadata: { courseSlug: course.slug, lessonSlug: lesson.slug },
      reason: `Lesson completed: ${lesson.title} (${course.title})`,
      source: { kind: 'feature', id: `course:${course.slug}` },
    });
    const certificate = await this.completion.completeIfDone(member, course, entry);
    const after = certificate ? { ...entry, certificateId: certificate._id, completedAt: certificate.issuedAt } : entry;
    return {
      completed: true,
      pointsAwarded: award.duplicate ? 0 : award.pointsAwarded,
      firstCompletion: first,
      myProgress: mapMyProgress(course, after),
      next: nextLesson(course, lesson),
    };
  }

  /**
   * Grades a quiz attempt on the server. One of today's attempts is taken first (409 with the
   * time of the next try when they are used up); the attempt is kept; the first pass awards
   * `quiz.passed` once and may complete the course.
   */
  async attempt(caller: Principal, slug: string, answers: SubmittedAnswers): Promise<QuizAttemptResultDto> {
    const course = this.course(slug);
    if (!course.quiz) throw new NotFoundException('This course has no quiz');
    const quiz = course.quiz;
    const member = await this.participant(caller, course);
    let graded;
    try {
      graded = gradeAttempt(quiz, answers);
    } catch (error) {
      if (error instanceof InvalidAnswers) throw new BadRequestException(error.message);
      throw error;
    }
    const { day, nextDay } = await this.today(member);
    if (!(await this.repository.takeAttempt(member._id, course.slug, day, quiz.maxAttemptsPerDay))) {
      throw new ConflictException(
        `You have used all ${quiz.maxAttemptsPerDay} attempts at this quiz today; try again after ${nextDay.toISOString()}`,
      );
    }
    const now = new Date();
    let stored;
    try {
      stored = await this.repository.insertAttempt({
        userId: member._id,
        courseSlug: course.slug,
        answers: graded.answers,
        score: graded.score,
        passed: graded.passed,
        createdAt: now,
      });
    } catch (error) {
      await this.repository.returnAttempt(member._id, course.slug, day).catch(() => undefined);
      throw error;
    }
    const entry = await this.repository.recordQuizResult(member._id, course.slug, graded.score, graded.passed, now);
    let pointsAwarded = 0;
    if (graded.passed) {
      const award = await this.activities.record({
        user: member,
        type: LEARN_ACTIVITY_TYPES.quiz,
        idempotencyKey: `quiz:${course.slug}:passed:${caller.id}`,
        metadata: { courseSlug: course.slug, score: graded.score },
        reason: `Quiz passed: ${course.title} (${graded.score}%)`,
        source: { kind: 'feature', id: `course:${course.slug}` },
      });
      pointsAwarded = award.duplicate ? 0 : award.pointsAwarded;
    }
    const certificate = await this.completion.completeIfDone(member, course, entry);
    const after = certificate ? { ...entry, certificateId: certificate._id, completedAt: certificate.issuedAt } : entry;
    const used = await this.repository.attemptsOn(member._id, course.slug, day);
    const left = Math.max(0, quiz.maxAttemptsPerDay - used);
    return {
      id: stored._id.toHexString(),
      score: graded.score,
      passed: graded.passed,
      pointsAwarded,
      passPercent: quiz.passPercent,
      questionCount: graded.total,
      attemptsLeftToday: left,
      nextAttemptAt: left ? null : nextDay.toISOString(),
      myProgress: mapMyProgress(course, after),
      certificate: certificate ? mapCourseCertificate(certificate, this.issuer()) : null,
    };
  }

  /** My attempts at a course's quiz, newest first (scores only). */
  async attempts(caller: Principal, slug: string): Promise<QuizAttemptSummaryDto[]> {
    const course = this.course(slug);
    if (!course.quiz) throw new NotFoundException('This course has no quiz');
    this.assertUnlocked(course, caller, await this.member(caller));
    const rows = await this.repository.listAttempts(oid(caller.id), course.slug, ATTEMPT_HISTORY);
    return rows.map(mapAttemptSummary);
  }

  /** A course by slug, or undefined. */
  findCourse(slug: string): CourseDefinition | undefined {
    return this.content.courses().find((candidate) => candidate.slug === slug);
  }

  /** A course by slug, or 404. */
  private course(slug: string): CourseDefinition {
    const course = this.findCourse(slug);
    if (!course) throw new NotFoundException('Course not found');
    return course;
  }

  /** Where certificates point (verify pages, credentials). */
  issuer() {
    return { baseUrl: this.config.HUB_PUBLIC_URL!, name: this.config.ISSUER_NAME };
  }

  private lessonOf(course: CourseDefinition, slug: string): LessonDefinition {
    const lesson = course.lessons.find((candidate) => candidate.slug === slug);
    if (!lesson) throw new NotFoundException('Lesson not found');
    return lesson;
  }

  private summary(
    course: CourseDefinition,
    entry: CourseProgressEntry | undefined,
    caller: Principal,
    member: UserRecord,
  ): CourseSummaryDto {
    const minTierName = course.minTier ? this.content.tier(course.minTier).name : null;
    return mapCourseSummary(course, entry, this.isLocked(course, caller, member), minTierName);
  }

  /** Locked: a member whose tier ranks below the course's minTier. Staff preview every course. */
  private isLocked(course: CourseDefinition, caller: Principal, member: UserRecord): boolean {
    if (!course.minTier || isStaff(caller)) return false;
    return this.content.tierRank(member.tierKey) < this.content.tierRank(course.minTier);
  }

  private assertUnlocked(course: CourseDefinition, caller: Principal, member: UserRecord): void {
    if (this.isLocked(course, caller, member)) {
      const tier = this.content.tier(course.minTier!).name;
      throw new ForbiddenException(`This course is for ${tier} members and above`);
    }
  }

  /** The caller as a course participant: a member, for whom the course is not locked. */
  private async participant(caller: Principal, course: CourseDefinition): Promise<UserRecord> {
    if (!caller.roles.includes('member')) throw new ForbiddenException('Only members take courses');
    const member = await this.member(caller);
    this.assertUnlocked(course, caller, member);
    return member;
  }

  private async member(caller: Principal): Promise<UserRecord> {
    const user = await this.members.get(oid(caller.id));
    if (!user) throw new NotFoundException('User not found');
    return user;
  }

  /** Today in the member's organization zone, and when tomorrow starts there. */
  private async today(member: UserRecord): Promise<{ day: string; nextDay: Date }> {
    const zone = await this.organizations.zoneOf(member.organizationId);
    const now = DateTime.now().setZone(zone);
    return { day: now.toISODate()!, nextDay: now.startOf('day').plus({ days: 1 }).toJSDate() };
  }

  private async myQuiz(member: UserRecord, course: CourseDefinition, entry: CourseProgressEntry | undefined) {
    const quiz = entry?.quiz;
    const { day, nextDay } = await this.today(member);
    const used = await this.repository.attemptsOn(member._id, course.slug, day);
    const left = Math.max(0, course.quiz!.maxAttemptsPerDay - used);
    const mine: MyQuizDto = {
      attempts: quiz?.attempts ?? 0,
      bestScore: quiz?.bestScore ?? null,
      lastScore: quiz?.lastScore ?? null,
      passed: Boolean(quiz?.passedAt),
      passedAt: quiz?.passedAt?.toISOString() ?? null,
      attemptsLeftToday: left,
      nextAttemptAt: left ? null : nextDay.toISOString(),
    };
    return mine;
  }
}

const oid = (id: string) => new Types.ObjectId(id);
