import type { CourseDefinition } from '../content/courses';
import type { CourseProgressEntry } from './schemas/progress.schema';

export type CourseStatus = 'not-started' | 'in-progress' | 'completed';

/** Lessons of the course as it is now that the member completed (lessons since removed do not count). */
export function completedLessons(course: CourseDefinition, entry: CourseProgressEntry | undefined): number {
  const done = entry?.lessons ?? {};
  return course.lessons.filter((lesson) => done[lesson.slug]).length;
}

/** Every lesson done and the quiz (if any) passed: the course is complete. */
export function meetsCompletion(course: CourseDefinition, entry: CourseProgressEntry | undefined): boolean {
  return completedLessons(course, entry) === course.lessons.length && (!course.quiz || Boolean(entry?.quiz?.passedAt));
}

/** Completed once it was (a lesson added later does not undo it), started once anything was done. */
export function courseStatus(course: CourseDefinition, entry: CourseProgressEntry | undefined): CourseStatus {
  if (entry?.completedAt || meetsCompletion(course, entry)) return 'completed';
  if (completedLessons(course, entry) > 0 || entry?.quiz?.attempts) return 'in-progress';
  return 'not-started';
}
