import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CourseDefinition, LessonDefinition } from '../../content/courses';
import { QUESTION_TYPES, type QuestionType } from '../../content/dto/course-file.dto';
import { completedLessons, courseStatus, type CourseStatus } from '../course-progress';
import type { CourseProgressEntry } from '../schemas/progress.schema';

export const COURSE_STATUSES: CourseStatus[] = ['not-started', 'in-progress', 'completed'];

export class MyCourseProgressDto {
  @ApiProperty() completedLessons: number;
  @ApiProperty({ enum: COURSE_STATUSES }) status: CourseStatus;
  @ApiProperty({ description: 'The quiz is passed (true also when the course has no quiz)' }) quizPassed: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'My certificate for this course' })
  certificateId: string | null;
}

export class PointsBreakdownDto {
  @ApiProperty({ description: 'Each lesson (lesson.completed)' }) perLesson: number;
  @ApiProperty({ description: 'Passing the quiz the first time (quiz.passed); 0 without a quiz' }) quiz: number;
  @ApiProperty({ description: 'Completing the course (course.completed)' }) completion: number;
}

export class CourseSummaryDto {
  @ApiProperty({ example: 'heat-pump-sizing' }) slug: string;
  @ApiProperty() title: string;
  @ApiProperty() summary: string;
  @ApiProperty() lessonCount: number;
  @ApiProperty({ description: 'What the course is worth in total at base points (tier factors and caps apply)' })
  points: number;
  @ApiProperty({ type: PointsBreakdownDto }) pointsBreakdown: PointsBreakdownDto;
  @ApiProperty({ type: String, nullable: true, description: 'Members below this tier see the course locked' })
  minTier: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The name of minTier' }) minTierName: string | null;
  @ApiProperty({ description: 'My tier is below minTier: lessons and quiz attempts answer 403' }) locked: boolean;
  @ApiProperty() order: number;
  @ApiProperty() moduleCount: number;
  @ApiProperty() hasQuiz: boolean;
  @ApiProperty({ description: 'Reading time of all lessons, in minutes' }) readingMinutes: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Certificates expire this many months after issue' })
  validForMonths: number | null;
  @ApiProperty({ type: MyCourseProgressDto }) myProgress: MyCourseProgressDto;
}

export class LessonRefDto {
  @ApiProperty() slug: string;
  @ApiProperty() title: string;
}

export class CourseLessonDto extends LessonRefDto {
  @ApiProperty() completed: boolean;
  @ApiProperty() readingMinutes: number;
}

export class CourseModuleDto {
  @ApiProperty() title: string;
  @ApiProperty({ type: [CourseLessonDto] }) lessons: CourseLessonDto[];
}

export class QuizOptionDto {
  @ApiProperty() id: string;
  @ApiProperty() text: string;
}

export class QuizQuestionDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: QUESTION_TYPES }) type: QuestionType;
  @ApiProperty() prompt: string;
  @ApiProperty({ type: [QuizOptionDto] }) options: QuizOptionDto[];
}

export class QuizDto {
  @ApiProperty() passPercent: number;
  @ApiProperty() maxAttemptsPerDay: number;
  @ApiProperty() questionCount: number;
  @ApiProperty({ type: [QuizQuestionDto], description: 'Empty while the course is locked. Never the answers.' })
  questions: QuizQuestionDto[];
}

export class MyQuizDto {
  @ApiProperty() attempts: number;
  @ApiProperty({ type: Number, nullable: true }) bestScore: number | null;
  @ApiProperty({ type: Number, nullable: true }) lastScore: number | null;
  @ApiProperty() passed: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) passedAt: string | null;
  @ApiProperty() attemptsLeftToday: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the next attempt is possible, while today’s are used up',
  })
  nextAttemptAt: string | null;
}

export class CourseCertificateDto {
  @ApiProperty() id: string;
  @ApiProperty({ format: 'date-time' }) issuedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt: string | null;
  @ApiProperty() valid: boolean;
  @ApiProperty({ enum: ['valid', 'revoked', 'expired'] }) status: 'valid' | 'revoked' | 'expired';
  @ApiProperty({ description: 'The public verify page' }) verifyUrl: string;
}

export class CourseDetailDto extends CourseSummaryDto {
  @ApiProperty({ type: [CourseModuleDto] }) modules: CourseModuleDto[];
  @ApiPropertyOptional({ type: QuizDto }) quiz?: QuizDto;
  @ApiPropertyOptional({ type: MyQuizDto }) myQuiz?: MyQuizDto;
  @ApiPropertyOptional({ type: CourseCertificateDto }) certificate?: CourseCertificateDto;
}

export class CourseListDto {
  @ApiProperty({ type: [CourseSummaryDto] }) items: CourseSummaryDto[];
}

export class LessonDto {
  @ApiProperty() slug: string;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'The lesson, rendered and sanitized' }) html: string;
  @ApiProperty() courseSlug: string;
  @ApiProperty() courseTitle: string;
  @ApiProperty() moduleTitle: string;
  @ApiProperty({ description: 'Position in the course, from 1' }) position: number;
  @ApiProperty() lessonCount: number;
  @ApiProperty() readingMinutes: number;
  @ApiProperty() completed: boolean;
  @ApiProperty({ type: LessonRefDto, nullable: true }) previous: LessonRefDto | null;
  @ApiProperty({ type: LessonRefDto, nullable: true }) next: LessonRefDto | null;
}

export class LessonCompletionDto {
  @ApiProperty({ enum: [true] }) completed: true;
  @ApiProperty({ description: 'Points for this completion; 0 for a repeat (or when a daily cap is full)' })
  pointsAwarded: number;
  @ApiProperty({ description: 'False when the lesson was completed before' }) firstCompletion: boolean;
  @ApiProperty({ type: MyCourseProgressDto }) myProgress: MyCourseProgressDto;
  @ApiProperty({ type: LessonRefDto, nullable: true, description: 'The lesson after this one' })
  next: LessonRefDto | null;
}

export function mapMyProgress(course: CourseDefinition, entry: CourseProgressEntry | undefined): MyCourseProgressDto {
  return {
    completedLessons: completedLessons(course, entry),
    status: courseStatus(course, entry),
    quizPassed: !course.quiz || Boolean(entry?.quiz?.passedAt),
    completedAt: entry?.completedAt?.toISOString() ?? null,
    certificateId: entry?.certificateId ?? null,
  };
}

export function mapCourseSummary(
  course: CourseDefinition,
  entry: CourseProgressEntry | undefined,
  locked: boolean,
  minTierName: string | null,
): CourseSummaryDto {
  return {
    slug: course.slug,
    title: course.title,
    summary: course.summary,
    lessonCount: course.lessons.length,
    points: course.points,
    pointsBreakdown: { ...course.pointsBreakdown },
    minTier: course.minTier,
    minTierName,
    locked,
    order: course.order,
    moduleCount: course.modules.length,
    hasQuiz: course.quiz !== null,
    readingMinutes: course.lessons.reduce((sum, lesson) => sum + lesson.readingMinutes, 0),
    validForMonths: course.validForMonths,
    myProgress: mapMyProgress(course, entry),
  };
}

/** The quiz as members see it: prompts and options, never the answer key. */
export function mapQuiz(course: CourseDefinition, locked: boolean): QuizDto | undefined {
  if (!course.quiz) return undefined;
  const { passPercent, maxAttemptsPerDay, questions } = course.quiz;
  return {
    passPercent,
    maxAttemptsPerDay,
    questionCount: questions.length,
    questions: locked
      ? []
      : questions.map(({ id, type, prompt, options }) => ({
          id,
          type,
          prompt,
          options: options.map((option) => ({ id: option.id, text: option.text })),
        })),
  };
}

export function mapModules(course: CourseDefinition, entry: CourseProgressEntry | undefined): CourseModuleDto[] {
  const done = entry?.lessons ?? {};
  return course.modules.map((module) => ({
    title: module.title,
    lessons: module.lessons.map((lesson) => ({
      slug: lesson.slug,
      title: lesson.title,
      completed: Boolean(done[lesson.slug]),
      readingMinutes: lesson.readingMinutes,
    })),
  }));
}

const ref = (lesson: LessonDefinition | undefined): LessonRefDto | null =>
  lesson ? { slug: lesson.slug, title: lesson.title } : null;

export function mapLesson(course: CourseDefinition, lesson: LessonDefinition, completed: boolean): LessonDto {
  return {
    slug: lesson.slug,
    title: lesson.title,
    html: lesson.html,
    courseSlug: course.slug,
    courseTitle: course.title,
    moduleTitle: lesson.moduleTitle,
    position: lesson.index + 1,
    lessonCount: course.lessons.length,
    readingMinutes: lesson.readingMinutes,
    completed,
    previous: ref(course.lessons[lesson.index - 1]),
    next: ref(course.lessons[lesson.index + 1]),
  };
}

export const nextLesson = (course: CourseDefinition, lesson: LessonDefinition) => ref(course.lessons[lesson.index + 1]);
