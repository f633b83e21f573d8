import { listTiers, type Tier } from '$lib/api/engine';

/** Where qualifying points put a member: tier, next tier and the share of the way there. */
export function tierStanding(tiers: Tier[], qualifying: number) {
  let index = 0;
  while (index + 1 < tiers.length && tiers[index + 1].threshold <= qualifying) index++;
  const tier = tiers[index];
  const next = tiers[index + 1] ?? null;
  const progress = next ? (qualifying - tier.threshold) / (next.threshold - tier.threshold) : 1;
  return { tier, next, toNext: next ? next.threshold - qualifying : 0, progress: Math.min(1, Math.max(0, progress)) };
}

let catalog: Promise<Tier[]> | null = null;

/** The program's tiers, ascending; fetched once per page load (they change only with a deploy). */
export function loadTiers(): Promise<Tier[]> {
  catalog ??= listTiers().then(
    ({ items }) => items,
    () => {
      catalog = null; // try again next time
      return [];
    },
  );
  return catalog;
}

/** A tier's display name, or its key when the tier is unknown. */
export function tierName(tiers: Tier[], key: string): string {
  return tiers.find((tier) => tier.key === key)?.name ?? key;
}
