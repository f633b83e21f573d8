import type { Campaign, CampaignBody, QuestionType } from '$lib/api/campaigns';
import { fromLocalInput, toLocalInput } from '$lib/format';
import { DateTime } from 'luxon';

export const QUESTION_TYPES: QuestionType[] = ['nps', 'rating', 'single', 'multi', 'text'];
export const isChoice = (type: QuestionType) => type === 'single' || type === 'multi';

export interface QuestionDraft {
  id: string;
  type: QuestionType;
  prompt: string;
  /** One option per line. */
  options: string;
  required: boolean;
}

/** What the author edits: times as `datetime-local` wall times in the author's zone. */
export interface CampaignDraft {
  title: string;
  description: string;
  incentivePoints: number;
  badgeKey: string;
  anonymous: boolean;
  opensAt: string;
  closesAt: string;
  tiers: string[];
  organizationIds: string[];
  roles: string[];
  questions: QuestionDraft[];
}

/** A question id not used yet in the draft (`q1`, `q2` …); ids stay put when questions move. */
export function nextQuestionId(questions: QuestionDraft[]): string {
  const used = new Set(questions.map((q) => q.id));
  let n = questions.length + 1;
  while (used.has(`q${n}`)) n++;
  return `q${n}`;
}

export function newQuestion(questions: QuestionDraft[], type: QuestionType = 'nps'): QuestionDraft {
  return { id: nextQuestionId(questions), type, prompt: '', options: '', required: type === 'nps' };
}

export function toDraft(campaign: Campaign | null, zone: string): CampaignDraft {
  if (campaign) {
    return {
      title: campaign.title,
      description: campaign.description,
      incentivePoints: campaign.incentivePoints,
      badgeKey: campaign.badgeKey ?? '',
      anonymous: campaign.anonymous,
      opensAt: toLocalInput(campaign.opensAt, zone),
      closesAt: toLocalInput(campaign.closesAt, zone),
      tiers: [...(campaign.audience.tiers ?? [])],
      organizationIds: [...(campaign.audience.organizationIds ?? [])],
      roles: [...(campaign.audience.roles ?? [])],
      questions: campaign.questions.map((q) => ({ ...q, options: q.options.join('\n') })),
    };
  }
  const start = DateTime.now().setZone(zone).startOf('hour').plus({ hours: 1 });
  return {
    title: '',
    description: '',
    incentivePoints: 30,
    badgeKey: '',
    anonymous: false,
    opensAt: toLocalInput(start.toISO()!, zone),
    closesAt: toLocalInput(start.plus({ days: 14 }).toISO()!, zone),
    tiers: [],
    organizationIds: [],
    roles: [],
    questions: [
      {
        id: 'recommend',
        type: 'nps',
        prompt: 'How likely are you to recommend us to a colleague?',
        options: '',
        required: true,
      },
    ],
  };
}

/** The API body, wall times read in `zone` and sent as UTC; null when the dates are unusable. */
export function toBody(draft: CampaignDraft, zone: string): CampaignBody | null {
  const opensAt = fromLocalInput(draft.opensAt, zone);
  const closesAt = fromLocalInput(draft.closesAt, zone);
  if (!opensAt || !closesAt || Date.parse(closesAt) <= Date.parse(opensAt)) return null;
  return {
    title: draft.title.trim(),
    description: draft.description.trim(),
    incentivePoints: Number(draft.incentivePoints),
    badgeKey: draft.badgeKey || null,
    anonymous: draft.anonymous,
    opensAt,
    closesAt,
    audience: {
      tiers: draft.tiers,
      organizationIds: draft.organizationIds,
      roles: draft.roles as NonNullable<CampaignBody['audience']>['roles'],
    },
    questions: draft.questions.map((q) => ({
      id: q.id,
      type: q.type,
      prompt: q.prompt.trim(),
      required: q.required,
      ...(isChoice(q.type)
        ? {
            options: q.options
              .split('\n')
              .map((line) => line.trim())
              .filter(Boolean),
          }
        : {}),
    })),
  };
}

/** The draft's questions as a member would see them (for the preview). */
export function previewQuestions(draft: CampaignDraft): Campaign['questions'] {
  return draft.questions.map((q) => ({
    id: q.id,
    type: q.type,
    prompt: q.prompt || '…',
    required: q.required,
    options: isChoice(q.type)
      ? q.options
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean)
      : [],
  }));
}
