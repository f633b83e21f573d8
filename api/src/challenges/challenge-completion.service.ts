import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { audienceMember, inAudience } from '../common/audience/audience';
import { DomainEventBus, OnDomainEffect } from '../common/domain-event-bus';
import type { ActivityRecordedEvent } from '../common/domain-events';
import { guardToken } from '../database/guards';
import { ActivitiesService } from '../engine/activities.service';
import { EngineCounters } from '../engine/engine-counters';
import { MemberProgressService } from '../engine/member-progress.service';
import type { UserRecord } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { isOpen, progressKeys } from './challenge-progress';
import { ChallengesRepository } from './challenges.repository';
import type { Challenge } from './schemas/challenge.schema';

const CACHE_MS = 5_000;
/** Activities may be reported late; challenges that ended this recently still count them. */
const RECENT_MS = 7 * 24 * 3600_000;

/**
 * Progress and completion. Counts the engine's `activity.recorded` events towards auto and team
 * challenges — each activity once per challenge, however often its entry is finished again
 * (the counter's guard is the entry's id) — and completing one records a `challenge.completed`
 * activity keyed by challenge and member, so the engine awards it once, whatever path or retry
 * led there.
 */
@Injectable()
export class ChallengeCompletionService {
  private recent?: { challenges: Challenge[]; until: number };

  constructor(
    private readonly repository: ChallengesRepository,
    private readonly counters: EngineCounters,
    private readonly activities: ActivitiesService,
    private readonly progress: MemberProgressService,
    private readonly users: UsersService,
    private readonly events: DomainEventBus,
  ) {}

  /** Drops the cached challenges after a change made in this process. */
  forget(): void {
    this.recent = undefined;
  }

  /**
   * Challenges that may still count activities, for the check made on every award. Kept for a
   * few seconds (and dropped on every change made here) so the hot path does not query them.
   */
  private async countingChallenges(): Promise<Challenge[]> {
    if (!this.recent || this.recent.until < Date.now()) {
      const challenges = await this.repository.listEndingAfter(new Date(Date.now() - RECENT_MS));
      this.recent = { challenges: challenges.filter((c) => c.kind !== 'evidence'), until: Date.now() + CACHE_MS };
    }
    return this.recent.challenges;
  }

  /** Counts an activity towards the open auto and team challenges it is aimed at. */
  @OnDomainEffect('activity.recorded')
  async onActivityRecorded(event: ActivityRecordedEvent): Promise<void> {
    const challenges = (await this.countingChallenges()).filter(
      (c) => c.goal?.activityType === event.type && isOpen(c, event.occurredAt),
    );
    if (!challenges.length) return;
    const member = await this.users.find(new Types.ObjectId(event.userId));
    if (!member) return;
    for (const challenge of challenges) {
      if (!inAudience(challenge.audience, audienceMember(member))) continue;
      const token = guardToken(event.entryId, 'challenge', challenge._id.toHexString());
      if (challenge.kind === 'auto') await this.countForMember(challenge, member, token);
      else if (member.teamId) await this.countForTeam(challenge, member.teamId, token);
    }
  }

  private async countForMember(challenge: Challenge, member: UserRecord, token: string): Promise<void> {
    const id = challenge._id.toHexString();
    const userId = member._id.toHexString();
    if (await this.isDone(challenge, userId)) return;
    const count = await this.counters.incrementOnce(progressKeys.member(id, userId), 1, token);
    if (count >= challenge.goal!.count) await this.complete(challenge, member);
  }

  private async countForTeam(challenge: Challenge, teamId: Types.ObjectId, token: string): Promise<void> {
    const id = challenge._id.toHexString();
    const team = teamId.toHexString();
    const done = progressKeys.teamDone(id, team);
    if ((await this.counters.existingMarks([done])).size) return;
    const count = await this.counters.incrementOnce(progressKeys.team(id, team), 1, token);
    if (count < challenge.goal!.count) return;
    // The mark says the team finished; crediting its members is idempotent, so a replay after a
    // crash between the two (mark set, members not all credited) credits the rest.
    await this.counters.mark(done);
    for (const member of await this.users.teamMembers(teamId)) {
      if (inAudience(challenge.audience, audienceMember(member))) await this.complete(challenge, member);
    }
  }

  /** Credits one member for one challenge; safe to call again (the activity key makes it once). */
  async complete(challenge: Challenge, member: UserRecord): Promise<void> {
    const challengeId = challenge._id.toHexString();
    const result = await this.activities.record({
      user: member,
      type: 'challenge.completed',
      idempotencyKey: `challenge:${challengeId}:${member._id.toHexString()}`,
      value: challenge.points,
      metadata: { challengeId },
      reason: `Challenge completed: ${challenge.title}`,
      source: { kind: 'feature', id: challengeId },
    });
    await this.counters.mark(progressKeys.memberDone(challengeId, member._id.toHexString()));
    // Granting is idempotent, so a retry after a crash between the award and the badge gives it.
    if (challenge.badgeKey) await this.progress.grantBadge(member._id, challenge.badgeKey);
    if (result.duplicate) return;
    await this.events.publish('challenge.completed', {
      userId: member._id.toHexString(),
      challengeId,
      title: challenge.title,
      points: result.pointsAwarded,
    });
  }

  async isDone(challenge: Challenge, userId: string): Promise<boolean> {
    return (await this.counters.existingMarks([progressKeys.memberDone(challenge._id.toHexString(), userId)])).size > 0;
  }
}
