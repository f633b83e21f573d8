import { checkInState, zonedTimes } from '$eventTime';
import type { HubEvent } from '$lib/api/events';
import { formatLocale, t } from '$lib/i18n';

export type Phase = 'upcoming' | 'running' | 'ended' | 'cancelled';

/** Where an event stands now. */
export function phaseOf(event: HubEvent, now = Date.now()): Phase {
  if (event.status === 'cancelled') return 'cancelled';
  if (now < Date.parse(event.startsAt)) return 'upcoming';
  return now <= Date.parse(event.endsAt) ? 'running' : 'ended';
}

/**
 * The event's times as the viewer reads them: in the event's zone ("Thu 4 Dec, 18:00 – 20:00 New
 * York time"), and in their own when the wall time differs ("Fri 00:00 – 02:00 your time").
 */
export function eventTimes(event: Pick<HubEvent, 'startsAt' | 'endsAt' | 'timezone'>, viewerZone: string) {
  const times = zonedTimes(event.startsAt, event.endsAt, event.timezone, viewerZone, formatLocale());
  return {
    event: t('events.times', { start: times.start, end: times.end, zone: times.zone }),
    viewer: times.viewerStart
      ? t('events.viewerTimes', { start: times.viewerStart, end: times.viewerEnd ?? '' })
      : null,
  };
}

/** Seats as a member reads them: "3 seats left", "Full · waitlist open", or open to everyone. */
export function seatsText(event: HubEvent): string {
  if (event.seatsLeft === null) return t('events.unlimited');
  if (event.seatsLeft === 0) return t('events.full');
  return event.seatsLeft === 1 ? t('events.seatLeft') : t('events.seatsLeft', { count: event.seatsLeft });
}

/** My standing at an event, for a badge on its card (null: nothing to say). */
export function myStatus(event: HubEvent): string | null {
  if (event.status === 'cancelled') return t('events.status.cancelled');
  if (event.attended) return t('events.status.attended');
  if (event.myRsvp === 'going') return t('events.status.going');
  if (event.myRsvp === 'waitlisted') {
    return event.myWaitlistPosition
      ? t('events.status.waitlisted', { position: event.myWaitlistPosition })
      : t('events.status.waitlistedNoPosition');
  }
  if (event.locked) return t('events.status.locked', { tier: event.minTierName ?? '' });
  return null;
}

export const checkInOpen = (event: HubEvent, now = new Date()) =>
  event.status !== 'cancelled' && checkInState(event.startsAt, event.endsAt, now) === 'open';
