import { api, ApiError, errorMessage, unwrap, type Schemas } from './client';
import { t } from '$lib/i18n';
import { tokenStore } from './token';

export type Reward = Schemas['RewardDto'];
export type RewardBody = Schemas['CreateRewardDto'];
export type RewardChanges = Schemas['UpdateRewardDto'];
export type Redemption = Schemas['RedemptionDto'];
export type RedemptionStatus = Redemption['status'];
export type MyReferral = Schemas['MyReferralDto'];
export type Decision = 'fulfil' | 'reject';

const byId = (id: string) => ({ params: { path: { id } } });

/**
 * The catalog: members see active rewards aimed at them (cheapest first); admins may ask for
 * withdrawn ones too (newest first). A page after `cursor` (the previous page's nextCursor).
 */
export const listRewards = (all = false, cursor?: string) =>
  unwrap(
    api.GET('/api/rewards', { params: { query: { ...(all ? { all: 'true' } : {}), ...(cursor ? { cursor } : {}) } } }),
  );

/** Every reward, withdrawn ones too (an admin's filter list): the catalog's pages followed to the end. */
export async function allRewards(): Promise<Reward[]> {
  const rewards: Reward[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(
      api.GET('/api/rewards', { params: { query: { all: 'true', limit: 100, ...(cursor ? { cursor } : {}) } } }),
    );
    rewards.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return rewards;
}

export const getReward = (id: string) => unwrap(api.GET('/api/rewards/{id}', byId(id)));

/**
 * Redeems a reward. The key names this one intent (one confirmation): a retry after a dropped
 * connection sends the same key and gets the same redemption back instead of a second one.
 */
export const redeemReward = (id: string, idempotencyKey: string) =>
  unwrap(api.POST('/api/rewards/{id}/redemptions', { ...byId(id), body: { idempotencyKey } }));

export const myRedemptions = (cursor?: string) =>
  unwrap(api.GET('/api/me/redemptions', { params: { query: cursor ? { cursor } : {} } }));

export const cancelRedemption = (id: string) => unwrap(api.POST('/api/redemptions/{id}/cancel', byId(id)));

export const myReferral = () => unwrap(api.GET('/api/me/referral'));

// Admin ------------------------------------------------------------------------------------

export const createReward = (body: RewardBody) => unwrap(api.POST('/api/rewards', { body }));

export const updateReward = (id: string, body: RewardChanges) =>
  unwrap(api.PATCH('/api/rewards/{id}', { ...byId(id), body }));

export const uploadCodes = (id: string, codes: string) =>
  unwrap(api.POST('/api/rewards/{id}/codes', { ...byId(id), body: { codes } }));

export interface QueueFilter {
  status?: RedemptionStatus;
  rewardId?: string;
  cursor?: string;
}

export const redemptionQueue = (query: QueueFilter) => unwrap(api.GET('/api/redemptions', { params: { query } }));

/** Fulfils (optionally with a code only the member sees) or rejects a pending redemption. */
export function decideRedemption(id: string, decision: Decision, note?: string, code?: string) {
  const withNote = note ? { note } : {};
  return unwrap(
    decision === 'fulfil'
      ? api.POST('/api/redemptions/{id}/fulfil', { ...byId(id), body: { ...withNote, ...(code ? { code } : {}) } })
      : api.POST('/api/redemptions/{id}/reject', { ...byId(id), body: withNote }),
  );
}

/** The queue as CSV (for a fulfilment partner), fetched with the session's token. */
export async function redemptionsCsv(query: Omit<QueueFilter, 'cursor'>): Promise<Blob> {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => !!entry[1]));
  let response: Response;
  try {
    response = await fetch(`/api/redemptions.csv?${params}`, {
      headers: { Authorization: `Bearer ${tokenStore.get() ?? ''}` },
    });
  } catch {
    throw new ApiError(0, t('error.network'));
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => ({}));
    throw new ApiError(response.status, errorMessage(body, t('error.generic')));
  }
  return response.blob();
}
