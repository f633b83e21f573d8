import type { Challenge } from './schemas/challenge.schema';

/** Keys of the engine counters and marks that hold challenge progress (all `_id` look-ups). */
export const progressKeys = {
  member: (challengeId: string, userId: string) => `challenge|${challengeId}|user|${userId}`,
  team: (challengeId: string, teamId: string) => `challenge|${challengeId}|team|${teamId}`,
  memberDone: (challengeId: string, userId: string) => `challenge-done|${challengeId}|${userId}`,
  teamDone: (challengeId: string, teamId: string) => `challenge-team-done|${challengeId}|${teamId}`,
};

export function isOpen(challenge: Pick<Challenge, 'startsAt' | 'endsAt'>, at: Date): boolean {
  return challenge.startsAt <= at && at < challenge.endsAt;
}
