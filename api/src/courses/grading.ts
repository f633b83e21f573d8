import type { QuizDefinition } from '../content/courses';

/** What a member sent: question id → an option id, or option ids (any order) for multi-choice questions. */
export type SubmittedAnswers = Record<string, unknown>;

export interface GradedAttempt {
  /** Question id → the chosen option ids, sorted and without repeats (unanswered questions are left out). */
  answers: Record<string, string[]>;
  right: number;
  total: number;
  /** Percent of questions answered right, rounded down (79.9 % shows as 79, never as a pass at 80). */
  score: number;
  passed: boolean;
}

/** Answers that do not fit the quiz (unknown question or option ids, wrong shapes): a 400, nothing stored. */
export class InvalidAnswers extends Error {}

const MAX_ID_LENGTH = 32;

/**
 * Grades an attempt on the server. A question counts when the chosen options are exactly its
 * answer key — in any order for multi-choice; a partial or extra choice, or no answer, does not.
 * Passed when right/total reaches passPercent exactly (compared in whole numbers, no rounding).
 */
export function gradeAttempt(quiz: QuizDefinition, submitted: SubmittedAnswers): GradedAttempt {
  const byId = new Map(quiz.questions.map((question) => [question.id, question]));
  const answers: Record<string, string[]> = {};
  for (const [questionId, value] of Object.entries(submitted)) {
    const question = byId.get(questionId);
    if (!question) throw new InvalidAnswers(`Unknown question "${clip(questionId)}"`);
    const chosen = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(chosen) || chosen.some((id) => typeof id !== 'string')) {
      throw new InvalidAnswers(`The answer to "${questionId}" must be an option id or a list of option ids`);
    }
    const ids = [...new Set(chosen as string[])];
    if (ids.length > question.options.length) throw new InvalidAnswers(`Too many options for "${questionId}"`);
    for (const id of ids) {
      if (!question.options.some((option) => option.id === id)) {
        throw new InvalidAnswers(`Unknown option "${clip(id)}" for question "${questionId}"`);
      }
    }
    if (question.type === 'single' && ids.length > 1) {
      throw new InvalidAnswers(`Question "${questionId}" takes one option`);
    }
    if (ids.length) answers[questionId] = ids.sort();
  }
  const right = quiz.questions.filter((question) => sameSet(answers[question.id] ?? [], question.answer)).length;
  const total = quiz.questions.length;
  return {
    answers,
    right,
    total,
    score: Math.floor((100 * right) / total),
    passed: right * 100 >= quiz.passPercent * total,
  };
}

function sameSet(chosen: string[], key: string[]): boolean {
  return chosen.length === key.length && key.every((id) => chosen.includes(id));
}

/** Ids echoed in an error stay short (whatever a client sent). */
const clip = (id: string) => (id.length > MAX_ID_LENGTH ? `${id.slice(0, MAX_ID_LENGTH)}…` : id);
