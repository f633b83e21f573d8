import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleSet } from '../engine/rules';
import { ContentError, loadContentFile } from './content-file';
import { CourseFileDto, type QuestionType, SLUG_PATTERN } from './dto/course-file.dto';
import { readingMinutes, renderMarkdown, splitLesson } from './markdown';

/** Attempts a member has per course and day when course.yaml does not say. */
export const DEFAULT_MAX_ATTEMPTS_PER_DAY = 5;

/** The activity types courses award through; a program with courses needs a rule for each. */
export const LEARN_ACTIVITY_TYPES = {
  lesson: 'lesson.completed',
  quiz: 'quiz.passed',
  course: 'course.completed',
} as const;

export interface LessonDefinition {
  slug: string;
  title: string;
  /** Sanitized HTML, rendered once at load. */
  html: string;
  readingMinutes: number;
  moduleTitle: string;
  /** Position in the course, from 0. */
  index: number;
}

export interface QuestionDefinition {
  id: string;
  type: QuestionType;
  prompt: string;
  options: Array<{ id: string; text: string }>;
  /** The answer key: option ids. It never leaves the server. */
  answer: string[];
}

export interface QuizDefinition {
  passPercent: number;
  maxAttemptsPerDay: number;
  questions: QuestionDefinition[];
}

export interface CourseDefinition {
  slug: string;
  title: string;
  summary: string;
  minTier: string | null;
  order: number;
  validForMonths: number | null;
  modules: Array<{ title: string; lessons: LessonDefinition[] }>;
  /** Every lesson in reading order. */
  lessons: LessonDefinition[];
  quiz: QuizDefinition | null;
  /** What the course is worth in total at the earning rules' base points (before tier factors and caps). */
  points: number;
  pointsBreakdown: { perLesson: number; quiz: number; completion: number };
}

/**
 * Loads every course under `<contentDir>/courses/` (a folder per course: course.yaml and
 * lessons/*.md). A broken course stops the hub: the error names the file and the reason.
 */
export function loadCourses(coursesDir: string, tierKeys: string[], rules: RuleSet): CourseDefinition[] {
  if (!existsSync(coursesDir)) return [];
  const slugs = readdirSync(coursesDir)
    .filter((name) => statSync(join(coursesDir, name)).isDirectory())
    .sort();
  const courses = slugs.map((slug) => loadCourse(join(coursesDir, slug), slug, tierKeys, rules));
  return courses.sort((a, b) => a.order - b.order || a.title.localeCompare(b.title));
}

function loadCourse(dir: string, slug: string, tierKeys: string[], rules: RuleSet): CourseDefinition {
  const path = join(dir, 'course.yaml');
  if (!SLUG_PATTERN.test(slug)) {
    throw new ContentError(`${dir}: a course folder name must be a slug (lower-case letters, digits and -)`);
  }
  if (!existsSync(path)) throw new ContentError(`${path}: missing (every course folder needs a course.yaml)`);
  const file = loadContentFile(path, CourseFileDto);
  const fail = (reason: string): never => {
    throw new ContentError(`${path}: ${reason}`);
  };

  if (file.minTier !== undefined && !tierKeys.includes(file.minTier)) {
    fail(`minTier "${file.minTier}" is not a tier in tiers.yaml (tiers: ${tierKeys.join(', ')})`);
  }
  const seen = new Set<string>();
  const lessons: LessonDefinition[] = [];
  const modules = file.modules.map((module) => ({
    title: module.title,
    lessons: module.lessons.map((lessonSlug) => {
      if (seen.has(lessonSlug)) fail(`lesson "${lessonSlug}" is listed twice`);
      seen.add(lessonSlug);
      const lesson = loadLesson(join(dir, 'lessons', `${lessonSlug}.md`), lessonSlug, module.title, lessons.length);
      lessons.push(lesson);
      return lesson;
    }),
  }));
  const quiz = file.quiz ? checkQuiz(file.quiz, fail) : null;

  const base = (type: string) => {
    const rule = rules.byType.get(type);
    if (!rule) fail(`courses need an earning rule for ${type} in rules.yaml`);
    return rule!.per === 'activity' ? rule!.points : 0;
  };
  const pointsBreakdown = {
    perLesson: base(LEARN_ACTIVITY_TYPES.lesson),
    quiz: quiz ? base(LEARN_ACTIVITY_TYPES.quiz) : 0,
    completion: base(LEARN_ACTIVITY_TYPES.course),
  };
  return {
    slug,
    title: file.title,
    summary: file.summary,
    minTier: file.minTier ?? null,
    order: file.order ?? 1000,
    validForMonths: file.validForMonths ?? null,
    modules,
    lessons,
    quiz,
    points: pointsBreakdown.perLesson * lessons.length + pointsBreakdown.quiz + pointsBreakdown.completion,
    pointsBreakdown,
  };
}

function loadLesson(path: string, slug: string, moduleTitle: string, index: number): LessonDefinition {
  if (!existsSync(path)) throw new ContentError(`${path}: missing (the lesson "${slug}" is listed in course.yaml)`);
  let source;
  try {
    source = splitLesson(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ContentError(`${path}: ${(error as Error).message}`);
  }
  const html = renderMarkdown(source.body);
  if (!html) throw new ContentError(`${path}: the lesson has no text`);
  return {
    slug,
    title: source.title ?? slug.replace(/-/g, ' ').replace(/^./, (first) => first.toUpperCase()),
    html,
    readingMinutes: readingMinutes(source.body),
    moduleTitle,
    index,
  };
}

function checkQuiz(quiz: NonNullable<CourseFileDto['quiz']>, fail: (reason: string) => never): QuizDefinition {
  const questionIds = new Set<string>();
  const questions = quiz.questions.map((question) => {
    const where = `quiz question "${question.id}"`;
    if (questionIds.has(question.id)) fail(`quiz question id "${question.id}" is used twice`);
    questionIds.add(question.id);
    const optionIds = new Set<string>();
    for (const option of question.options) {
      if (optionIds.has(option.id)) fail(`${where}: option id "${option.id}" is used twice`);
      optionIds.add(option.id);
    }
    const answer = [...new Set(question.answer)];
    for (const id of answer) {
      if (!optionIds.has(id)) fail(`${where}: answer "${id}" is not one of its options (${[...optionIds].join(', ')})`);
    }
    if (question.type === 'single' && answer.length !== 1) fail(`${where}: a single-choice question has one answer`);
    if (question.type === 'multi' && answer.length === question.options.length && answer.length > 1) {
      // Still gradeable, but "tick everything" would always pass: almost certainly a slip.
      fail(`${where}: every option is an answer; leave at least one wrong option`);
    }
    return {
      id: question.id,
      type: question.type,
      prompt: question.prompt,
      options: question.options.map(({ id, text }) => ({ id, text })),
      answer,
    };
  });
  return {
    passPercent: quiz.passPercent,
    maxAttemptsPerDay: quiz.maxAttemptsPerDay ?? DEFAULT_MAX_ATTEMPTS_PER_DAY,
    questions,
  };
}
