import { fromWallTime, toWallTime } from '$eventTime';
import type { EventBody, EventKind, HubEvent } from '$lib/api/events';
import { listTiers, type Tier } from '$lib/api/engine';
import { listOrganizations, type Organization } from '$lib/api/organizations';
import { itemsOf } from '$lib/components/manage/challenge-form';
import { DateTime } from 'luxon';

/** What the manager edits: dates as `datetime-local` wall times in the EVENT's zone. */
export interface EventDraft {
  title: string;
  description: string;
  kind: EventKind;
  timezone: string;
  startsAt: string;
  endsAt: string;
  /** Empty: no limit. */
  capacity: number | null;
  points: number;
  location: string;
  joinUrl: string;
  minTier: string;
  organizationIds: string[];
}

export interface EventFormOptions {
  tiers: Tier[];
  organizations: Organization[];
  zones: string[];
}

export async function loadEventFormOptions(): Promise<EventFormOptions> {
  const [tiers, organizations] = await Promise.all([itemsOf(listTiers()), itemsOf(listOrganizations({ limit: 100 }))]);
  return { tiers, organizations, zones: Intl.supportedValuesOf('timeZone') };
}

/** A draft from a saved event, or a fresh one: tomorrow 18:00–20:00 in the manager's zone. */
export function toDraft(event: HubEvent | null, managerZone: string): EventDraft {
  if (event) {
    return {
      title: event.title,
      description: event.description ?? '',
      kind: event.kind,
      timezone: event.timezone,
      startsAt: toWallTime(event.startsAt, event.timezone),
      endsAt: toWallTime(event.endsAt, event.timezone),
      capacity: event.capacity,
      points: event.points,
      location: event.location ?? '',
      joinUrl: event.joinUrl ?? '',
      minTier: event.minTier ?? '',
      organizationIds: [...(event.audience?.organizationIds ?? [])],
    };
  }
  const start = DateTime.now().setZone(managerZone).plus({ days: 1 }).set({ hour: 18, minute: 0, second: 0 });
  return {
    title: '',
    description: '',
    kind: 'club',
    timezone: managerZone,
    startsAt: toWallTime(start.toISO()!, managerZone),
    endsAt: toWallTime(start.plus({ hours: 2 }).toISO()!, managerZone),
    capacity: 30,
    points: 75,
    location: '',
    joinUrl: '',
    minTier: '',
    organizationIds: [],
  };
}

/** The API body: wall times read in the event's zone, sent as UTC instants; null when the dates are unusable. */
export function toBody(draft: EventDraft): EventBody | null {
  const startsAt = fromWallTime(draft.startsAt, draft.timezone);
  const endsAt = fromWallTime(draft.endsAt, draft.timezone);
  if (!startsAt || !endsAt || endsAt <= startsAt) return null;
  const capacity = draft.capacity === null || String(draft.capacity) === '' ? null : Number(draft.capacity);
  return {
    title: draft.title.trim(),
    description: draft.description.trim(),
    kind: draft.kind,
    timezone: draft.timezone,
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    capacity,
    points: Number(draft.points),
    location: draft.location.trim() || null,
    joinUrl: draft.joinUrl.trim() || null,
    minTier: draft.minTier || null,
    audience: { organizationIds: draft.organizationIds },
  };
}
