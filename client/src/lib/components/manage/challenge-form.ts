import type { Challenge, ChallengeBody } from '$lib/api/challenges';
import { listBadges, listRules, listTiers, type Badge, type Rule, type Tier } from '$lib/api/engine';
import { listOrganizations, type Organization } from '$lib/api/organizations';
import { fromLocalInput, toLocalInput } from '$lib/format';
import { DateTime } from 'luxon';

export type { ChallengeBody };
export type Kind = Challenge['kind'];
export const KINDS: Kind[] = ['auto', 'evidence', 'team'];

/** What the manager edits: dates as `datetime-local` wall times in the manager's zone. */
export interface Draft {
  title: string;
  description: string;
  kind: Kind;
  points: number;
  badgeKey: string;
  startsAt: string;
  endsAt: string;
  activityType: string;
  count: number;
  tiers: string[];
  organizationIds: string[];
}

export interface FormOptions {
  badges: Badge[];
  rules: Rule[];
  tiers: Tier[];
  organizations: Organization[];
}

/** The items of a list, or none when it cannot be read (the form then offers fewer choices). */
export const itemsOf = <T>(call: Promise<{ items: T[] }>) => call.then(({ items }) => items).catch((): T[] => []);

/** Everything the selects and checkboxes offer, fetched together. */
export async function loadFormOptions(): Promise<FormOptions> {
  const [badges, rules, tiers, organizations] = await Promise.all([
    itemsOf(listBadges()),
    itemsOf(listRules()),
    itemsOf(listTiers()),
    itemsOf(listOrganizations({ limit: 100 })),
  ]);
  return { badges, rules, tiers, organizations };
}

/** A draft from a saved challenge, or a fresh one starting at the next full hour for a week. */
export function toDraft(challenge: Challenge | null, zone: string, firstActivity = ''): Draft {
  if (challenge) {
    return {
      title: challenge.title,
      description: challenge.description,
      kind: challenge.kind,
      points: challenge.points,
      badgeKey: challenge.badgeKey ?? '',
      startsAt: toLocalInput(challenge.startsAt, zone),
      endsAt: toLocalInput(challenge.endsAt, zone),
      activityType: challenge.goal?.activityType ?? firstActivity,
      count: challenge.goal?.count ?? 1,
      tiers: [...(challenge.audience.tiers ?? [])],
      organizationIds: [...(challenge.audience.organizationIds ?? [])],
    };
  }
  const start = DateTime.now().setZone(zone).startOf('hour').plus({ hours: 1 });
  return {
    title: '',
    description: '',
    kind: 'auto',
    points: 100,
    badgeKey: '',
    startsAt: toLocalInput(start.toISO()!, zone),
    endsAt: toLocalInput(start.plus({ days: 7 }).toISO()!, zone),
    activityType: firstActivity,
    count: 1,
    tiers: [],
    organizationIds: [],
  };
}

/** The API body, with the wall times read in `zone` and sent as UTC; null when the dates are unusable. */
export function toBody(draft: Draft, zone: string): ChallengeBody | null {
  const startsAt = fromLocalInput(draft.startsAt, zone);
  const endsAt = fromLocalInput(draft.endsAt, zone);
  if (!startsAt || !endsAt || Date.parse(endsAt) <= Date.parse(startsAt)) return null;
  return {
    title: draft.title.trim(),
    description: draft.description.trim(),
    kind: draft.kind,
    points: draft.points,
    badgeKey: draft.badgeKey || null, // null removes a badge from a saved challenge
    startsAt,
    endsAt,
    ...(draft.kind === 'evidence' ? {} : { goal: { activityType: draft.activityType, count: draft.count } }),
    audience: { tiers: draft.tiers, organizationIds: draft.organizationIds },
  };
}
