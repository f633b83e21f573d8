import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuleSet } from '../engine/rules';
import { ContentError } from './content-file';
import { loadCourses } from './courses';

const TIERS = ['member', 'silver', 'gold'];
const rule = (activityType: string, points: number) => ({
  activityType,
  points,
  per: 'activity' as const,
  description: 'x',
});
const RULES: RuleSet = {
  byType: new Map([
    ['lesson.completed', rule('lesson.completed', 20)],
    ['quiz.passed', rule('quiz.passed', 50)],
    ['course.completed', rule('course.completed', 100)],
  ]),
  multipliers: {},
  expiryMonths: 24,
};

const QUIZ = `
quiz:
  passPercent: 80
  questions:
    - id: q1
      type: single
      prompt: Which?
      options: [{ id: a, text: A }, { id: b, text: B }]
      answer: a
    - id: q2
      type: multi
      prompt: Which ones?
      options: [{ id: a, text: A }, { id: b, text: B }, { id: c, text: C }]
      answer: [a, c]
`;

describe('loadCourses (content/courses)', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'hub-courses-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Writes one course folder; `lessons` are file name → Markdown. */
  function course(slug: string, yaml: string, lessons: Record<string, string> = { one: '# One\n\nText.' }) {
    mkdirSync(join(root, slug, 'lessons'), { recursive: true });
    writeFileSync(join(root, slug, 'course.yaml'), yaml);
    for (const [name, text] of Object.entries(lessons)) writeFileSync(join(root, slug, 'lessons', `${name}.md`), text);
  }
  const base = (extra = '', lessons = '[one]') =>
    `title: Heat pumps 101\nsummary: Basics.\nmodules:\n  - title: Basics\n    lessons: ${lessons}\n${extra}`;
  const load = () => loadCourses(root, TIERS, RULES);
  const fails = (pattern: RegExp) => {
    expect(load).toThrow(ContentError);
    expect(load).toThrow(pattern);
  };

  it('loads a course: lessons rendered once, quiz with its answer key, points from the rules', () => {
    course('heat-pumps', base(`minTier: silver\norder: 2\nvalidForMonths: 12\n${QUIZ}`, '[one, two]'), {
      one: '---\ntitle: What a heat pump is\n---\n\nIt **moves** heat.',
      two: '# Sizing\n\nRoom by room.',
    });
    const [loaded] = load();
    expect(loaded).toMatchObject({ slug: 'heat-pumps', minTier: 'silver', order: 2, validForMonths: 12, points: 190 });
    expect(loaded.lessons.map((l) => [l.slug, l.title, l.index])).toEqual([
      ['one', 'What a heat pump is', 0],
      ['two', 'Sizing', 1],
    ]);
    expect(loaded.lessons[0].html).toBe('<p>It <strong>moves</strong> heat.</p>');
    expect(loaded.lessons[1].html).toBe('<p>Room by room.</p>'); // the heading became the title
    expect(loaded.quiz).toMatchObject({ passPercent: 80, maxAttemptsPerDay: 5 });
    expect(loaded.quiz!.questions.map((q) => q.answer)).toEqual([['a'], ['a', 'c']]);
  });

  it('sorts the catalog by order, then title; no courses folder means no courses', () => {
    course('b', base('order: 1').replace('Heat pumps 101', 'Zeta'));
    course('a', base('order: 1').replace('Heat pumps 101', 'Alpha'));
    course('c', base('order: 0'));
    expect(load().map((c) => c.slug)).toEqual(['c', 'a', 'b']);
    expect(loadCourses(join(root, 'nowhere'), TIERS, RULES)).toEqual([]);
  });

  it('stops on a missing lesson file, naming the file', () => {
    course('heat-pumps', base('', '[one, missing]'));
    fails(/heat-pumps\/lessons\/missing\.md: missing/);
  });

  it('stops on an unknown minTier', () => {
    course('heat-pumps', base('minTier: platinum'));
    fails(/heat-pumps\/course\.yaml: minTier "platinum" is not a tier/);
  });

  it('stops on duplicate question ids', () => {
    course('heat-pumps', base(QUIZ.replace('id: q2', 'id: q1')));
    fails(/course\.yaml: quiz question id "q1" is used twice/);
  });

  it('stops on an answer that is not one of the options', () => {
    course('heat-pumps', base(QUIZ.replace('answer: [a, c]', 'answer: [a, d]')));
    fails(/quiz question "q2": answer "d" is not one of its options/);
  });

  it.each([0, 101, 50.5])('stops on passPercent %p', (percent) => {
    course('heat-pumps', base(QUIZ.replace('passPercent: 80', `passPercent: ${percent}`)));
    fails(/course\.yaml: .*passPercent must be a whole number from 1 to 100/);
  });

  it('stops on other broken files with the reason', () => {
    course('one', base('colour: blue'));
    fails(/one\/course\.yaml: property colour should not exist/);
    rmSync(join(root, 'one'), { recursive: true });

    course('two', base(QUIZ.replace('answer: a', 'answer: [a, b]')));
    fails(/single-choice question has one answer/);
    rmSync(join(root, 'two'), { recursive: true });

    course('three', base('', '[one, one]'));
    fails(/lesson "one" is listed twice/);
    rmSync(join(root, 'three'), { recursive: true });

    course('four', base(), { one: '---\ntitle: x\nauthor: me\n---\ntext' });
    fails(/four\/lessons\/one\.md: unknown front matter: author/);
    rmSync(join(root, 'four'), { recursive: true });

    mkdirSync(join(root, 'five'));
    fails(/five\/course\.yaml: missing/);
    rmSync(join(root, 'five'), { recursive: true });

    course('Bad_Name', base());
    fails(/Bad_Name: a course folder name must be a slug/);
  });

  it('needs the learning rules in rules.yaml', () => {
    course('heat-pumps', base());
    const rules = { ...RULES, byType: new Map([...RULES.byType].filter(([type]) => type !== 'course.completed')) };
    expect(() => loadCourses(root, TIERS, rules)).toThrow(/need an earning rule for course\.completed/);
  });
});
