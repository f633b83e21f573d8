import type { Challenge } from '$lib/api/challenges';

export type { Challenge };

/** Whether a challenge's window contains `now`. */
export function isRunning(challenge: Challenge, now = Date.now()): boolean {
  return Date.parse(challenge.startsAt) <= now && now < Date.parse(challenge.endsAt);
}

/** Open challenges the member has not completed yet, ending soonest first. */
export function activeChallenges(challenges: Challenge[]): Challenge[] {
  return challenges
    .filter((challenge) => isRunning(challenge) && challenge.myProgress.status !== 'completed')
    .sort((a, b) => Date.parse(a.endsAt) - Date.parse(b.endsAt));
}
