import type { Question } from './schemas/campaign.schema';
import type { Answers, AnswerValue } from './schemas/response.schema';

export const TEXT_MAX = 2000;
export const SCALES = { nps: { min: 0, max: 10 }, rating: { min: 1, max: 5 } } as const;

export type AnswerCheck = { ok: true; answers: Answers } | { ok: false; errors: string[] };

/** Whether a value means "not answered" (an optional question may be skipped this way). */
const isBlank = (value: unknown) =>
  value === undefined ||
  value === null ||
  (typeof value === 'string' && value.trim() === '') ||
  (Array.isArray(value) && value.length === 0);

/**
 * Checks a response against its campaign's questions: every key a question of the campaign, every
 * value of its question's kind (a whole number on the NPS 0–10 or rating 1–5 scale, one of the
 * options, distinct options, text up to 2,000 characters), every required question answered.
 * Returns the answers as stored (blank optional answers dropped, texts trimmed) or every problem.
 */
export function checkAnswers(questions: readonly Question[], input: unknown): AnswerCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: ['answers must be an object of question id → answer'] };
  }
  const byId = new Map(questions.map((question) => [question.id, question]));
  const errors: string[] = [];
  const answers: Answers = {};
  for (const key of Object.keys(input)) {
    if (!byId.has(key)) errors.push(`answers.${key.slice(0, 40)}: not a question of this campaign`);
  }
  for (const question of questions) {
    const value = (input as Record<string, unknown>)[question.id];
    if (isBlank(value)) {
      if (question.required) errors.push(`answers.${question.id}: an answer is required`);
      continue;
    }
    const problem = checkOne(question, value);
    if (problem) errors.push(`answers.${question.id}: ${problem}`);
    else answers[question.id] = normalize(question, value as AnswerValue);
  }
  return errors.length ? { ok: false, errors } : { ok: true, answers };
}

function checkOne(question: Question, value: unknown): string | null {
  switch (question.type) {
    case 'nps':
    case 'rating': {
      const { min, max } = SCALES[question.type];
      return Number.isInteger(value) && (value as number) >= min && (value as number) <= max
        ? null
        : `must be a whole number from ${min} to ${max}`;
    }
    case 'single':
      return typeof value === 'string' && question.options.includes(value) ? null : 'must be one of the options';
    case 'multi': {
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
        return 'must be a list of options';
      }
      if (!value.every((item) => question.options.includes(item))) return 'must list only the options';
      return new Set(value).size === value.length ? null : 'lists an option twice';
    }
    case 'text':
      if (typeof value !== 'string') return 'must be text';
      return value.trim().length <= TEXT_MAX ? null : `must be at most ${TEXT_MAX} characters`;
  }
}

function normalize(question: Question, value: AnswerValue): AnswerValue {
  if (question.type === 'text') return (value as string).trim();
  // Options in the campaign's order, whatever order they were ticked in.
  if (question.type === 'multi') return question.options.filter((option) => (value as string[]).includes(option));
  return value;
}

/** An answer as one cell or line of text (multi answers joined with "; "). */
export function answerText(value: AnswerValue | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join('; ') : String(value);
}
