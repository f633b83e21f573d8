import type { QuizDefinition } from '../content/courses';
import { gradeAttempt, InvalidAnswers } from './grading';

const option = (id: string) => ({ id, text: id.toUpperCase() });
const quiz = (passPercent = 80): QuizDefinition => ({
  passPercent,
  maxAttemptsPerDay: 5,
  questions: [
    { id: 'q1', type: 'single', prompt: '?', options: ['a', 'b', 'c'].map(option), answer: ['b'] },
    { id: 'q2', type: 'multi', prompt: '?', options: ['a', 'b', 'c', 'd'].map(option), answer: ['a', 'c'] },
    { id: 'q3', type: 'single', prompt: '?', options: ['a', 'b'].map(option), answer: ['a'] },
    { id: 'q4', type: 'multi', prompt: '?', options: ['a', 'b', 'c'].map(option), answer: ['b'] },
    { id: 'q5', type: 'single', prompt: '?', options: ['a', 'b'].map(option), answer: ['b'] },
  ],
});
const allRight = { q1: 'b', q2: ['a', 'c'], q3: 'a', q4: ['b'], q5: 'b' };

describe('gradeAttempt', () => {
  it('grades single-choice answers given as an id or a one-element list', () => {
    expect(gradeAttempt(quiz(), allRight)).toMatchObject({ right: 5, total: 5, score: 100, passed: true });
    expect(gradeAttempt(quiz(), { ...allRight, q1: ['b'] }).score).toBe(100);
    expect(gradeAttempt(quiz(), { ...allRight, q1: 'a' })).toMatchObject({ right: 4, score: 80, passed: true });
  });

  it('grades multi-choice answers in any order, repeats ignored', () => {
    expect(gradeAttempt(quiz(), { ...allRight, q2: ['c', 'a'] }).right).toBe(5);
    expect(gradeAttempt(quiz(), { ...allRight, q2: ['c', 'a', 'c'] }).right).toBe(5);
    expect(gradeAttempt(quiz(), { ...allRight, q4: 'b' }).right).toBe(5); // a multi question with one answer
  });

  it('gives no credit for a partial or an over-complete multi-choice answer', () => {
    expect(gradeAttempt(quiz(), { ...allRight, q2: ['a'] }).right).toBe(4);
    expect(gradeAttempt(quiz(), { ...allRight, q2: ['a', 'b', 'c'] }).right).toBe(4);
    expect(gradeAttempt(quiz(), { ...allRight, q2: [] }).right).toBe(4);
  });

  it('counts unanswered questions as wrong (a partly answered attempt)', () => {
    const graded = gradeAttempt(quiz(), { q1: 'b', q2: ['a', 'c'] });
    expect(graded).toMatchObject({ right: 2, total: 5, score: 40, passed: false });
    expect(graded.answers).toEqual({ q1: ['b'], q2: ['a', 'c'] });
  });

  it('passes exactly at passPercent and rounds the score down, never up to a pass', () => {
    expect(gradeAttempt(quiz(80), { ...allRight, q5: 'a' })).toMatchObject({ score: 80, passed: true });
    const thirds: QuizDefinition = { ...quiz(67), questions: quiz().questions.slice(0, 3) };
    expect(gradeAttempt(thirds, { q1: 'b', q2: ['a', 'c'] })).toMatchObject({ score: 66, passed: false });
    expect(gradeAttempt({ ...thirds, passPercent: 66 }, { q1: 'b', q2: ['a', 'c'] }).passed).toBe(true);
  });

  it.each([
    [{ q9: 'a' }, /Unknown question "q9"/],
    [{ q1: 'z' }, /Unknown option "z" for question "q1"/],
    [{ q2: ['a', 'zz'] }, /Unknown option "zz"/],
    [{ q1: ['a', 'b'] }, /takes one option/],
    [{ q1: 3 }, /must be an option id or a list/],
    [{ q1: { $gt: '' } }, /must be an option id or a list/],
    [{ q2: ['a', 7] }, /must be an option id or a list/],
    [{ q2: ['a', 'b', 'c', 'd', 'a', 'e'] }, /Too many options for "q2"/],
    [{ ['x'.repeat(500)]: 'a' }, /Unknown question "x{32}…"/],
  ])('refuses %j', (answers, message) => {
    expect(() => gradeAttempt(quiz(), answers)).toThrow(InvalidAnswers);
    expect(() => gradeAttempt(quiz(), answers)).toThrow(message);
  });
});
