import { ContentError } from './content-file';
import type { TierDto, TiersFileDto } from './dto/tiers-file.dto';

/** Tier rules beyond the DTO: a base tier at 0, ascending thresholds, unique keys. */
export function checkTiers(file: TiersFileDto, path: string): TierDto[] {
  const tiers = [...file.tiers].sort((a, b) => a.threshold - b.threshold);
  if (tiers[0].threshold !== 0) throw new ContentError(`${path}: the first tier must have threshold 0`);
  for (let i = 1; i < tiers.length; i++) {
    if (tiers[i].threshold === tiers[i - 1].threshold) {
      throw new ContentError(`${path}: tiers ${tiers[i - 1].key} and ${tiers[i].key} share a threshold`);
    }
  }
  if (new Set(tiers.map((t) => t.key)).size !== tiers.length) throw new ContentError(`${path}: tier keys repeat`);
  return tiers;
}

/** The highest tier whose threshold the qualifying points reach, and the one after it. */
export function tierFor(tiers: TierDto[], qualifying: number): { tier: TierDto; next: TierDto | null } {
  let index = 0;
  while (index + 1 < tiers.length && tiers[index + 1].threshold <= qualifying) index++;
  return { tier: tiers[index], next: tiers[index + 1] ?? null };
}
