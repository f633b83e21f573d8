import type { Question } from './schemas/campaign.schema';
import type { Answers } from './schemas/response.schema';
import type { NpsGroups, QuestionTally, Tally } from './schemas/tally.schema';

/** How many latest text answers each tally keeps for the results page (the rest are paged). */
export const LATEST_TEXTS = 5;
/** In an anonymous campaign a breakdown group with fewer responses than this is not shown. */
export const MIN_ANONYMOUS_GROUP = 5;

export type NpsGroup = keyof NpsGroups;

/** NPS groups: promoters 9–10, passives 7–8, detractors 0–6. */
export function npsGroup(score: number): NpsGroup {
  if (score >= 9) return 'promoters';
  return score >= 7 ? 'passives' : 'detractors';
}

/**
 * NPS = % promoters − % detractors, rounded to a whole number half away from zero (so +12.5 and
 * −12.5 round alike); null without answers.
 */
export function npsScore(groups: Partial<NpsGroups> | undefined): number | null {
  const promoters = groups?.promoters ?? 0;
  const passives = groups?.passives ?? 0;
  const detractors = groups?.detractors ?? 0;
  const total = promoters + passives + detractors;
  if (!total) return null;
  const exact = ((promoters - detractors) * 100) / total;
  const rounded = Math.sign(exact) * Math.round(Math.abs(exact));
  return rounded === 0 ? 0 : rounded; // never -0
}

/** What one response adds to a tally document. */
export interface TallyPart {
  /** The response's guard token (applied once per tally document). */
  token: string;
  inc: Record<string, number>;
  /** Text answers to keep among the latest, by question id. */
  texts: Record<string, string>;
}

/** The campaign's first NPS question: the one its `nps` summary and the weekly trend follow. */
export function mainNpsQuestion(questions: readonly Question[]): Question | undefined {
  return questions.find((question) => question.type === 'nps');
}

/**
 * The increments one response makes to a full tally (the campaign's, an organization's, a
 * tier's): one response, and per answered question its count, its sum (scales), the count of its
 * value or of each option ticked (by option index: option texts are not safe field names), and
 * the NPS group of the campaign's main NPS question.
 */
export function fullIncrements(questions: readonly Question[], answers: Answers): Omit<TallyPart, 'token'> {
  const inc: Record<string, number> = { responses: 1 };
  const texts: Record<string, string> = {};
  for (const question of questions) {
    const value = answers[question.id];
    if (value === undefined) continue;
    const at = `q.${question.id}`;
    inc[`${at}.n`] = 1;
    if (question.type === 'nps' || question.type === 'rating') {
      inc[`${at}.sum`] = value as number;
      inc[`${at}.d.${value as number}`] = 1;
    } else if (question.type === 'single') {
      inc[`${at}.d.${question.options.indexOf(value as string)}`] = 1;
    } else if (question.type === 'multi') {
      for (const option of value as string[]) inc[`${at}.d.${question.options.indexOf(option)}`] = 1;
    } else {
      texts[question.id] = value as string;
    }
  }
  const main = mainNpsQuestion(questions);
  if (main && answers[main.id] !== undefined) inc[`nps.${npsGroup(answers[main.id] as number)}`] = 1;
  return { inc, texts };
}

/** The increments for a week's trend: the response, and its main NPS answer's group. */
export function weekIncrements(full: Omit<TallyPart, 'token'>): Omit<TallyPart, 'token'> {
  const inc = Object.fromEntries(
    Object.entries(full.inc).filter(([path]) => path === 'responses' || path.startsWith('nps.')),
  );
  return { inc, texts: {} };
}

export interface QuestionResult {
  id: string;
  type: Question['type'];
  prompt: string;
  answered: number;
  distribution?: Record<string, number>;
  average?: number | null;
  texts?: string[];
}

export interface NpsResult extends NpsGroups {
  score: number | null;
}

export function npsResult(groups: Partial<NpsGroups> | undefined): NpsResult {
  return {
    score: npsScore(groups),
    promoters: groups?.promoters ?? 0,
    passives: groups?.passives ?? 0,
    detractors: groups?.detractors ?? 0,
  };
}

/**
 * Per question, from a tally: the count of every scale value or option (zeros included, in
 * order), the average of a scale (2 decimals), the latest texts (newest first).
 */
export function questionResults(questions: readonly Question[], tally: Pick<Tally, 'q'> | null): QuestionResult[] {
  return questions.map((question) => {
    const stats: QuestionTally = tally?.q?.[question.id] ?? {};
    const answered = stats.n ?? 0;
    const base = { id: question.id, type: question.type, prompt: question.prompt, answered };
    const counts = stats.d ?? {};
    if (question.type === 'nps' || question.type === 'rating') {
      const { min, max } = question.type === 'nps' ? { min: 0, max: 10 } : { min: 1, max: 5 };
      const distribution: Record<string, number> = {};
      for (let value = min; value <= max; value++) distribution[value] = counts[value] ?? 0;
      const average = answered ? Math.round(((stats.sum ?? 0) / answered) * 100) / 100 : null;
      return { ...base, distribution, average };
    }
    if (question.type === 'single' || question.type === 'multi') {
      const distribution: Record<string, number> = {};
      question.options.forEach((option, index) => (distribution[option] = counts[index] ?? 0));
      return { ...base, distribution };
    }
    return { ...base, texts: [...(stats.latest ?? [])].reverse() };
  });
}

export interface Group {
  id: string;
  responses: number;
}

/**
 * Which breakdown groups an anonymous campaign must hide: those under MIN_ANONYMOUS_GROUP
 * responses, and — when exactly one would be hidden — the smallest shown one too, so that the
 * hidden group cannot be worked out as the total minus the groups shown.
 */
export function hiddenGroups(groups: readonly Group[], anonymous: boolean): Set<string> {
  if (!anonymous) return new Set();
  const hidden = new Set(groups.filter((g) => g.responses < MIN_ANONYMOUS_GROUP).map((g) => g.id));
  if (hidden.size === 1 && groups.length > 1) {
    const smallest = groups
      .filter((group) => !hidden.has(group.id))
      .sort((a, b) => a.responses - b.responses || a.id.localeCompare(b.id))[0];
    if (smallest) hidden.add(smallest.id);
  }
  return hidden;
}
