import { ApiError, api, errorMessage, unwrap, type Schemas } from './client';
import { tokenStore } from './token';
import { t } from '$lib/i18n';

export type Campaign = Schemas['CampaignDto'];
export type CampaignBody = Schemas['CreateCampaignDto'];
export type Question = Schemas['QuestionOutDto'];
export type QuestionType = Question['type'];
export type Results = Schemas['ResultsDto'];
export type QuestionResult = Schemas['QuestionResultDto'];
export type GroupResult = Schemas['GroupResultDto'];
export type TrendPoint = Schemas['TrendPointDto'];
export type Answer = number | string | string[];
export type Answers = Record<string, Answer>;

const byId = (id: string) => ({ params: { path: { id } } });

/**
 * Members: open campaigns aimed at me (with `responded`), closing soonest first. Product: every
 * campaign with its state, newest first. A page after `cursor` (the previous page's nextCursor).
 */
export const listCampaigns = (cursor?: string) =>
  unwrap(api.GET('/api/campaigns', { params: { query: cursor ? { cursor } : {} } }));

export const getCampaign = (id: string) => unwrap(api.GET('/api/campaigns/{id}', byId(id)));

export const createCampaign = (body: CampaignBody) => unwrap(api.POST('/api/campaigns', { body }));

export const updateCampaign = (id: string, body: Schemas['UpdateCampaignDto']) =>
  unwrap(api.PATCH('/api/campaigns/{id}', { ...byId(id), body }));

export const respond = (id: string, answers: Answers) =>
  unwrap(api.POST('/api/campaigns/{id}/responses', { ...byId(id), body: { answers } }));

export const campaignResults = (id: string) => unwrap(api.GET('/api/campaigns/{id}/results', byId(id)));

export const textAnswers = (id: string, questionId: string, cursor?: string) =>
  unwrap(api.GET('/api/campaigns/{id}/texts', { params: { path: { id }, query: { questionId, cursor, limit: 10 } } }));

/** NPS by week over every campaign (or one). */
export const npsTrend = (weeks = 12, campaignId?: string) =>
  unwrap(api.GET('/api/campaigns/nps-trend', { params: { query: { weeks, campaignId } } }));

/**
 * Downloads the CSV export as a file. It needs the bearer token, so it is fetched and handed to the
 * browser as a blob rather than opened as a plain link.
 */
export async function downloadResultsCsv(id: string, fallbackName: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`/api/campaigns/${encodeURIComponent(id)}/results.csv`, {
      headers: { Authorization: `Bearer ${tokenStore.get() ?? ''}` },
    });
  } catch {
    throw new ApiError(0, t('error.network'));
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw new ApiError(response.status, errorMessage(body, t('error.generic')));
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
