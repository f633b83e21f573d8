import type { Reward } from '$lib/api/rewards';

/** A fresh key per confirmed intent: the same one is sent again if the request must be retried. */
export function intentKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Why a member cannot redeem a reward now, or null when they can. */
export function blocker(reward: Reward): 'locked' | 'stock' | 'limit' | 'points' | null {
  if (reward.locked) return 'locked';
  if (reward.stock !== null && reward.stock < 1) return 'stock';
  if (reward.perMemberLimit !== null && reward.redeemedByMe >= reward.perMemberLimit) return 'limit';
  if (!reward.affordable) return 'points';
  return null;
}

export const KIND_ICONS: Record<Reward['kind'], string> = {
  'gift-card': '🎁',
  discount: '🏷️',
  experience: '🎟️',
  donation: '🌱',
  'early-access': '🚀',
};
