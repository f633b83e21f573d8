import type { Schemas } from '$lib/api/client';

type Tier = Schemas['TierDto'];

/** Where qualifying points put a member: tier, next tier and the share of the way there. */
export function tierStanding(tiers: Tier[], qualifying: number) {
  let index = 0;
  while (index + 1 < tiers.length && tiers[index + 1].threshold <= qualifying) index++;
  const tier = tiers[index];
  const next = tiers[index + 1] ?? null;
  const progress = next ? (qualifying - tier.threshold) / (next.threshold - tier.threshold) : 1;
  return { tier, next, toNext: next ? next.threshold - qualifying : 0, progress: Math.min(1, Math.max(0, progress)) };
}
