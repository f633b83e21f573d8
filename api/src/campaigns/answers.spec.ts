import { answerText, checkAnswers } from './answers';
import type { Question } from './schemas/campaign.schema';

const q = (id: string, type: Question['type'], extra: Partial<Question> = {}): Question => ({
  id,
  type,
  prompt: id,
  options: [],
  required: false,
  ...extra,
});
const questions = [
  q('nps', 'nps', { required: true }),
  q('rating', 'rating'),
  q('single', 'single', { options: ['Red', 'Blue'] }),
  q('multi', 'multi', { options: ['A', 'B', 'C'] }),
  q('text', 'text'),
];
const errorsOf = (answers: unknown) => {
  const result = checkAnswers(questions, answers);
  return result.ok ? [] : result.errors;
};

describe('checkAnswers', () => {
  it('accepts a full response and stores it normalized (trimmed text, options in campaign order)', () => {
    expect(checkAnswers(questions, { nps: 0, rating: 5, single: 'Blue', multi: ['C', 'A'], text: '  hi  ' })).toEqual({
      ok: true,
      answers: { nps: 0, rating: 5, single: 'Blue', multi: ['A', 'C'], text: 'hi' },
    });
  });

  it('drops blank optional answers and requires required ones', () => {
    expect(checkAnswers(questions, { nps: 10, rating: null, multi: [], text: '   ' })).toEqual({
      ok: true,
      answers: { nps: 10 },
    });
    expect(errorsOf({ rating: 3 })).toEqual(['answers.nps: an answer is required']);
    expect(errorsOf({ nps: null })).toEqual(['answers.nps: an answer is required']);
  });

  it.each([
    ['nps', 11],
    ['nps', -1],
    ['nps', 7.5],
    ['nps', '7'],
    ['nps', true],
    ['rating', 0],
    ['rating', 6],
    ['single', 'Green'],
    ['single', ['Red']],
    ['multi', 'A'],
    ['multi', ['A', 'A']],
    ['multi', ['A', 'Z']],
    ['multi', [1]],
    ['text', 42],
    ['text', 'x'.repeat(2001)],
    ['text', { $gt: '' }],
  ])('refuses %s = %j', (id, value) => {
    const answers = { nps: 5, [id]: value };
    expect(errorsOf(answers)).toEqual([expect.stringMatching(new RegExp(`^answers\\.${id}: `))]);
  });

  it('accepts scale ends and a text of exactly 2,000 characters', () => {
    expect(checkAnswers(questions, { nps: 10, rating: 1, text: 'x'.repeat(2000) }).ok).toBe(true);
  });

  it('refuses unknown question ids and answers that are not an object, listing every problem', () => {
    expect(errorsOf({ nps: 5, colour: 'red' })).toEqual(['answers.colour: not a question of this campaign']);
    expect(errorsOf([5])).toEqual(['answers must be an object of question id → answer']);
    expect(errorsOf(null)).toHaveLength(1);
    expect(errorsOf({ rating: 9, extra: 1 })).toHaveLength(3);
  });
});

describe('answerText', () => {
  it('joins multi answers with "; "', () => {
    expect(answerText(['A', 'C'])).toBe('A; C');
    expect(answerText(7)).toBe('7');
    expect(answerText(undefined)).toBe('');
  });
});
