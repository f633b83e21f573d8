import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { DomainEventBus, OnDomainEvent } from '../common/domain-event-bus';
import type { ActivityRecordedEvent } from '../common/domain-events';
import { WriteSerializer } from '../database/write-serializer';
import { ActivitiesService } from '../engine/activities.service';
import { EngineRepository } from '../engine/engine.repository';
import { MemberProgressService } from '../engine/member-progress.service';
import { UserRecord, UsersRepository } from '../users/users.repository';
import { inAudience, isOpen, progressKeys } from './challenge-progress';
import { ChallengesRepository } from './challenges.repository';
import type { Challenge } from './schemas/challenge.schema';

const CACHE_MS = 5_000;
/** Activities may be reported late; challenges that ended this recently still count them. */
const RECENT_MS = 7 * 24 * 3600_000;

/**
 * Progress and completion. Counts the engine's `activity.recorded` events towards auto and team
 * challenges; completing one records a `challenge.completed` activity keyed by challenge and
 * member, so the engine awards it once (its rule pays the challenge's points), whatever path or
 * retry led there.
 */
@Injectable()
export class ChallengeCompletionService {
  private recent?: { challenges: Challenge[]; until: number };

  constructor(
    private readonly repository: ChallengesRepository,
    private readonly engine: EngineRepository,
    private readonly activities: ActivitiesService,
    private readonly progress: MemberProgressService,
    private readonly users: UsersRepository,
    private readonly serializer: WriteSerializer,
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
  @OnDomainEvent('activity.recorded')
  async onActivityRecorded(event: ActivityRecordedEvent): Promise<void> {
    const challenges = (await this.countingChallenges()).filter(
      (c) => c.goal?.activityType === event.type && isOpen(c, event.occurredAt),
    );
    if (!challenges.length) return;
    const member = await this.users.findById(new Types.ObjectId(event.userId));
    if (!member) return;
    for (const challenge of challenges) {
      if (challenge.kind === 'evidence' || !challenge.goal || !inAudience(challenge, this.audienceOf(member))) continue;
      if (challenge.kind === 'auto') await this.countForMember(challenge, member);
      else if (member.teamId) await this.countForTeam(challenge, member.teamId);
    }
  }

  private async countForMember(challenge: Challenge, member: UserRecord): Promise<void> {
    const id = challenge._id.toHexString();
    const userId = member._id.toHexString();
    const reached = await this.serializer.run(`challenge:${id}:${userId}`, async () => {
      if (await this.isDone(challenge, userId)) return false;
      return (await this.engine.increment(progressKeys.member(id, userId), 1)) >= challenge.goal!.count;
    });
    if (reached) await this.complete(challenge, member);
  }

  private async countForTeam(challenge: Challenge, teamId: Types.ObjectId): Promise<void> {
    const id = challenge._id.toHexString();
    const team = teamId.toHexString();
    const reached = await this.serializer.run(`challenge:${id}:team:${team}`, async () => {
      const done = progressKeys.teamDone(id, team);
      if ((await this.engine.existingMarks([done])).size) return false;
      const count = await this.engine.increment(progressKeys.team(id, team), 1);
      return count >= challenge.goal!.count && (await this.engine.mark(done));
    });
    if (!reached) return;
    // Every member of the team at the moment of completion is credited, once each.
    for (const member of await this.users.listTeamMembers(teamId)) {
      if (inAudience(challenge, this.audienceOf(member))) await this.complete(challenge, member);
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
    await this.engine.mark(progressKeys.memberDone(challengeId, member._id.toHexString()));
    if (result.duplicate) return;
    if (challenge.badgeKey) await this.progress.grantBadge(member._id, challenge.badgeKey);
    await this.events.publish('challenge.completed', {
      userId: member._id.toHexString(),
      challengeId,
      title: challenge.title,
      points: result.pointsAwarded,
    });
  }

  async isDone(challenge: Challenge, userId: string): Promise<boolean> {
    return (await this.engine.existingMarks([progressKeys.memberDone(challenge._id.toHexString(), userId)])).size > 0;
  }

  private audienceOf(user: UserRecord) {
    return { organizationId: user.organizationId?.toHexString() ?? null, tierKey: user.tierKey };
  }
}
