import { load } from 'js-yaml';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bearer, createApiKey, http, postActivity, type Session } from './hub';
import { REPO_ROOT } from './hub-process';

/** A course of the repository's content/ as its file says, answer key included (the tests know it; clients must not). */
export interface CourseFile {
  slug: string;
  title: string;
  minTier?: string;
  validForMonths?: number;
  lessons: string[];
  quiz?: {
    passPercent: number;
    maxAttemptsPerDay?: number;
    questions: Array<{ id: string; type: string; options: Array<{ id: string }>; answer: string | string[] }>;
  };
}

const COURSES_DIR = join(REPO_ROOT, 'content', 'courses');

export function courseFile(slug: string): CourseFile {
  const raw = load(readFileSync(join(COURSES_DIR, slug, 'course.yaml'), 'utf8')) as Omit<
    CourseFile,
    'slug' | 'lessons'
  > & {
    modules: Array<{ lessons: string[] }>;
  };
  return { ...raw, slug, lessons: raw.modules.flatMap((module) => module.lessons) };
}

export const courseSlugs = () => readdirSync(COURSES_DIR).sort();

/** Every answer right. */
export const rightAnswers = (course: CourseFile) =>
  Object.fromEntries(course.quiz!.questions.map((q) => [q.id, q.answer]));

/** Every answer wrong: a wrong option for single questions, nothing for multi ones. */
export const wrongAnswers = (course: CourseFile) =>
  Object.fromEntries(
    course.quiz!.questions.map((q) => {
      const key = ([] as string[]).concat(q.answer);
      return [q.id, q.type === 'single' ? q.options.find((o) => !key.includes(o.id))!.id : []];
    }),
  );

export const completeLesson = (member: Session, slug: string, lesson: string) =>
  http().post(`/api/courses/${slug}/lessons/${lesson}/complete`).set(bearer(member.token)).send();

export const attemptQuiz = (member: Session, slug: string, answers: unknown) =>
  http().post(`/api/courses/${slug}/quiz/attempts`).set(bearer(member.token)).send({ answers });

/** Completes every lesson of a course and passes its quiz; resolves with the certificate the last step returned. */
export async function finishCourse(member: Session, course: CourseFile) {
  for (const lesson of course.lessons) await completeLesson(member, course.slug, lesson).expect(200);
  if (!course.quiz) return null;
  const result = await attemptQuiz(member, course.slug, rightAnswers(course)).expect(200);
  return result.body.certificate as { id: string; verifyUrl: string } | null;
}

/** Raises a member to silver (1,000 qualifying points) through the API key, as a CRM would. */
export async function makeSilver(admin: Session, member: Session): Promise<void> {
  const key = await createApiKey(admin);
  for (let i = 0; i < 2; i++) await postActivity(key, { userId: member.id, type: 'contract.renewed' }).expect(201);
}

/** Every key anywhere in a JSON value (to prove an answer key never leaves the server). */
export function allKeys(value: unknown, keys = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => allKeys(item, keys));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      keys.add(key);
      allKeys(inner, keys);
    }
  }
  return keys;
}
