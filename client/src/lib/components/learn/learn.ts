import { DateTime } from 'luxon';
import type { Course, CourseSummary } from '$lib/api/learn';
import { formatLocale } from '$lib/i18n';

/** A day from the API (an instant), shown as a date in the viewer's zone and language. */
export function formatDay(iso: string, zone: string): string {
  return DateTime.fromISO(iso, { zone }).setLocale(formatLocale()).toLocaleString(DateTime.DATE_FULL);
}

/** The first lesson not completed yet, in reading order (null when every lesson is done). */
export function nextOpenLesson(course: Course): { slug: string; title: string } | null {
  for (const module of course.modules) {
    const open = module.lessons.find((lesson) => !lesson.completed);
    if (open) return open;
  }
  return null;
}

export const lessonHref = (slug: string, lesson: string) => `/learn/${slug}/lessons/${lesson}`;

/** Locked courses last, then the catalog's order. */
export function catalogOrder(a: CourseSummary, b: CourseSummary): number {
  return Number(a.locked) - Number(b.locked) || a.order - b.order;
}
