import { api, unwrap, type Schemas } from './client';

export type CourseSummary = Schemas['CourseSummaryDto'];
export type Course = Schemas['CourseDetailDto'];
export type Lesson = Schemas['LessonDto'];
export type LessonCompletion = Schemas['LessonCompletionDto'];
export type QuizQuestion = Schemas['QuizQuestionDto'];
export type QuizResult = Schemas['QuizAttemptResultDto'];
export type QuizAttemptSummary = Schemas['QuizAttemptSummaryDto'];
export type MyCertificate = Schemas['MyCertificateDto'];
export type PublicCertificate = Schemas['PublicCertificateDto'];
export type StaffCertificate = Schemas['StaffCertificateDto'];
/** Question id → an option id (single choice) or option ids (multiple choice). */
export type QuizAnswers = Record<string, string | string[]>;

const course = (slug: string) => ({ params: { path: { slug } } });
const lesson = (slug: string, lessonSlug: string) => ({ params: { path: { slug, lesson: lessonSlug } } });
const certificate = (id: string) => ({ params: { path: { id } } });

/** The catalog with my progress (locked: my tier is below the course's). */
export const listCourses = () => unwrap(api.GET('/api/courses'));

export const getCourse = (slug: string) => unwrap(api.GET('/api/courses/{slug}', course(slug)));

export const getLesson = (slug: string, lessonSlug: string) =>
  unwrap(api.GET('/api/courses/{slug}/lessons/{lesson}', lesson(slug, lessonSlug)));

export const completeLesson = (slug: string, lessonSlug: string) =>
  unwrap(api.POST('/api/courses/{slug}/lessons/{lesson}/complete', lesson(slug, lessonSlug)));

/** Sends my answers; the hub grades them. */
export const submitQuiz = (slug: string, answers: QuizAnswers) =>
  unwrap(api.POST('/api/courses/{slug}/quiz/attempts', { ...course(slug), body: { answers } }));

export const listAttempts = (slug: string) => unwrap(api.GET('/api/courses/{slug}/quiz/attempts', course(slug)));

export const myCertificates = () => unwrap(api.GET('/api/me/certificates'));

/** A certificate as anyone with its link sees it (no sign-in needed). */
export const getCertificate = (id: string) => unwrap(api.GET('/api/certificates/{id}', certificate(id)));

/** Issued certificates for staff, newest first. */
export const listCertificates = (query: { courseSlug?: string; cursor?: string }) =>
  unwrap(api.GET('/api/certificates', { params: { query: { ...query, limit: 25 } } }));

export const revokeCertificate = (id: string, reason: string) =>
  unwrap(api.POST('/api/certificates/{id}/revoke', { ...certificate(id), body: { reason } }));
