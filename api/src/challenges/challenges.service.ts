import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { Types } from 'mongoose';
import { audienceMember, inAudience, toAudience } from '../common/audience/audience';
import { DomainEventBus } from '../common/domain-event-bus';
import { toObjectId } from '../common/pagination';
import { refuseNulls } from '../common/patch';
import { isStaff, staffScope, type Principal } from '../common/roles';
import { ContentService } from '../content/content.service';
import { ActivitiesService } from '../engine/activities.service';
import { EngineCounters } from '../engine/engine-counters';
import { UsersService } from '../users/users.service';
import type { UserRecord } from '../users/users.repository';
import { ChallengeCompletionService } from './challenge-completion.service';
import { isOpen, progressKeys } from './challenge-progress';
import { ChallengesRepository, NewChallenge } from './challenges.repository';
import {
  CHALLENGE_NULLABLE,
  ChallengeDto,
  CreateChallengeDto,
  CreatedSubmissionDto,
  CreateSubmissionDto,
  mapChallenge,
  mapSubmission,
  MyProgressDto,
  SubmissionDto,
  TeamProgressDto,
  UpdateChallengeDto,
} from './dto/challenge.dto';
import type { Challenge } from './schemas/challenge.schema';
import type { Submission, SubmissionStatus } from './schemas/submission.schema';

/** What one list call returns at most (members see the open ones aimed at them; staff the latest). */
const LIST_LIMIT = 200;

/**
 * Time-boxed challenges: the manager console, what each member may see (audience and window),
 * evidence submissions and their decisions. Progress and completion: ChallengeCompletionService.
 */
@Injectable()
export class ChallengesService {
  constructor(
    private readonly repository: ChallengesRepository,
    private readonly completion: ChallengeCompletionService,
    private readonly counters: EngineCounters,
    private readonly activities: ActivitiesService,
    private readonly users: UsersService,
    private readonly content: ContentService,
    private readonly events: DomainEventBus,
  ) {}

  async create(caller: Principal, input: CreateChallengeDto): Promise<ChallengeDto> {
    const challenge = await this.repository.create({
      ...this.validated(input),
      createdBy: new Types.ObjectId(caller.id),
    });
    this.completion.forget();
    return (await this.withProgress([challenge], caller))[0];
  }

  async update(caller: Principal, id: string, changes: UpdateChallengeDto): Promise<ChallengeDto> {
    refuseNulls(changes, CHALLENGE_NULLABLE);
    const current = await this.repository.find(toObjectId(id));
    if (!current) throw new NotFoundException('Challenge not found');
    const merged = this.validated({ ...this.toInput(current), ...changes });
    const updated = await this.repository.update(current._id, merged);
    this.completion.forget();
    return (await this.withProgress([updated!], caller))[0];
  }

  /** Members: challenges open now and aimed at them (the audience is in the query). Staff: the latest. */
  async list(caller: Principal): Promise<ChallengeDto[]> {
    if (isStaff(caller)) return this.withProgress(await this.repository.listAll(LIST_LIMIT), caller);
    const member = await this.member(caller.id);
    const open = await this.repository.listOpenFor(audienceMember(member), new Date(), LIST_LIMIT);
    return this.withProgress(open, caller);
  }

  async get(caller: Principal, id: string): Promise<ChallengeDto> {
    return (await this.withProgress([await this.visible(caller, id)], caller))[0];
  }

  async submit(caller: Principal, id: string, input: CreateSubmissionDto): Promise<CreatedSubmissionDto> {
    if (!caller.roles.includes('member')) throw new ForbiddenException('Only members take part in challenges');
    const challenge = await this.visible(caller, id);
    if (challenge.kind !== 'evidence') throw new BadRequestException('This challenge is tracked automatically');
    if (await this.completion.isDone(challenge, caller.id)) {
      throw new ConflictException('You have completed this challenge');
    }
    const created = await this.repository.openSubmission({
      challengeId: challenge._id,
      userId: new Types.ObjectId(caller.id),
      organizationId: caller.organizationId ? new Types.ObjectId(caller.organizationId) : null,
      text: input.text,
      url: input.url ?? null,
    });
    if (!created) throw new ConflictException('Your submission is waiting for a decision');
    return { id: created._id.toHexString(), status: 'pending' };
  }

  /**
   * The approval queue, or one challenge's submissions. Staff who belong to an organization see
   * only its members' submissions; admins and staff without one see all.
   */
  async submissions(
    caller: Principal,
    filter: { challengeId?: string; status?: SubmissionStatus },
  ): Promise<SubmissionDto[]> {
    const challengeId = filter.challengeId ? toObjectId(filter.challengeId, 'challenge id') : undefined;
    if (challengeId && !(await this.repository.find(challengeId))) throw new NotFoundException('Challenge not found');
    const scope = staffScope(caller);
    const rows = await this.repository.listSubmissions({
      challengeId,
      status: filter.status,
      organizationId: scope ? new Types.ObjectId(scope) : undefined,
    });
    return this.toSubmissionDtos(rows);
  }

  async decide(
    caller: Principal,
    id: string,
    decision: 'approved' | 'rejected',
    comment?: string,
  ): Promise<SubmissionDto> {
    const submission = await this.repository.findSubmission(toObjectId(id, 'submission id'));
    const scope = staffScope(caller);
    if (!submission || (scope && submission.organizationId?.toHexString() !== scope)) {
      throw new NotFoundException('Submission not found');
    }
    const decided = await this.repository.decide(
      submission._id,
      decision,
      new Types.ObjectId(caller.id),
      comment ?? null,
    );
    if (!decided) throw new ConflictException(`This submission was already ${submission.status}`);
    const challenge = (await this.repository.find(submission.challengeId))!;
    if (decision === 'approved') {
      await this.completion.complete(challenge, await this.member(submission.userId.toHexString()));
    } else {
      await this.events.publish('submission.rejected', {
        userId: submission.userId.toHexString(),
        challengeId: challenge._id.toHexString(),
        title: challenge.title,
        comment: comment ?? null,
      });
    }
    return (await this.toSubmissionDtos([decided]))[0];
  }

  /** The challenge if the caller may see it: staff always; members when open and aimed at them. */
  private async visible(caller: Principal, id: string): Promise<Challenge> {
    const challenge = await this.repository.find(toObjectId(id, 'challenge id'));
    if (!challenge) throw new NotFoundException('Challenge not found');
    if (isStaff(caller)) return challenge;
    const member = await this.member(caller.id);
    if (!isOpen(challenge, new Date()) || !inAudience(challenge.audience, audienceMember(member))) {
      throw new NotFoundException('Challenge not found');
    }
    return challenge;
  }

  /** The caller's progress on each challenge: counters and marks by `_id`, submissions in one query. */
  private async withProgress(challenges: Challenge[], caller: Principal): Promise<ChallengeDto[]> {
    const userId = caller.id;
    const team = caller.teamId;
    const ids = challenges.map((c) => c._id.toHexString());
    const counterKeys = ids.flatMap((id) => [
      progressKeys.member(id, userId),
      ...(team ? [progressKeys.team(id, team)] : []),
    ]);
    const doneKeys = ids.flatMap((id) => [
      progressKeys.memberDone(id, userId),
      ...(team ? [progressKeys.teamDone(id, team)] : []),
    ]);
    const evidence = challenges.filter((c) => c.kind === 'evidence').map((c) => c._id);
    const [counts, done, latest] = await Promise.all([
      this.counters.values(counterKeys),
      this.counters.existingMarks(doneKeys),
      this.repository.latestSubmissions(evidence, new Types.ObjectId(userId)),
    ]);
    return challenges.map((challenge) => {
      const id = challenge._id.toHexString();
      const completed = done.has(progressKeys.memberDone(id, userId));
      if (challenge.kind === 'evidence') {
        return mapChallenge(challenge, this.evidenceProgress(completed, latest.get(id) ?? null));
      }
      const goal = challenge.goal?.count ?? 1;
      const source = challenge.kind === 'team' && team ? progressKeys.team(id, team) : progressKeys.member(id, userId);
      const count = completed ? goal : Math.min(goal, counts.get(source) ?? 0);
      const mine: MyProgressDto = { count, goal, status: completed ? 'completed' : 'open' };
      const teamProgress: TeamProgressDto | undefined =
        challenge.kind === 'team'
          ? {
              teamId: team,
              count: team ? Math.min(goal, counts.get(progressKeys.team(id, team)) ?? 0) : 0,
              goal,
              completed: team ? done.has(progressKeys.teamDone(id, team)) : false,
            }
          : undefined;
      return mapChallenge(challenge, mine, teamProgress);
    });
  }

  private evidenceProgress(completed: boolean, latest: Submission | null): MyProgressDto {
    const lastSubmissionStatus = latest?.status ?? null;
    if (completed) return { count: 1, goal: 1, status: 'completed', lastSubmissionStatus };
    if (latest?.status === 'pending') return { count: 0, goal: 1, status: 'pending', lastSubmissionStatus };
    const rejectionComment = latest?.status === 'rejected' ? latest.comment : null;
    return { count: 0, goal: 1, status: 'open', rejectionComment, lastSubmissionStatus };
  }

  private validated(input: CreateChallengeDto): Omit<NewChallenge, 'createdBy'> {
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    if (endsAt <= startsAt) throw new BadRequestException('endsAt must be after startsAt');
    if (input.kind !== 'evidence' && !input.goal)
      throw new BadRequestException(`goal is required for ${input.kind} challenges`);
    if (input.goal) this.activities.ruleFor(input.goal.activityType);
    if (input.badgeKey && !this.content.badges().some((b) => b.key === input.badgeKey)) {
      throw new BadRequestException(`badgeKey "${input.badgeKey}" is not a badge in content/badges.yaml`);
    }
    return {
      title: input.title,
      description: input.description,
      kind: input.kind,
      points: input.points,
      badgeKey: input.badgeKey ?? null,
      startsAt,
      endsAt,
      goal: input.kind === 'evidence' ? null : input.goal!,
      audience: toAudience(
        input.audience,
        this.content.tiers().map((t) => t.key),
      ),
    };
  }

  private toInput(challenge: Challenge): CreateChallengeDto {
    const { audience, ...dto } = mapChallenge(challenge, { count: 0, goal: 1, status: 'open' });
    return {
      title: dto.title,
      description: dto.description,
      kind: dto.kind,
      points: dto.points,
      badgeKey: dto.badgeKey ?? undefined,
      startsAt: dto.startsAt,
      endsAt: dto.endsAt,
      goal: dto.goal ?? undefined,
      audience,
    };
  }

  /** Titles and names for a page of submissions: two queries, whatever the page size. */
  private async toSubmissionDtos(rows: Submission[]): Promise<SubmissionDto[]> {
    const [challenges, people] = await Promise.all([
      this.repository.findMany(
        [...new Set(rows.map((row) => row.challengeId.toHexString()))].map((id) => new Types.ObjectId(id)),
      ),
      this.users.findMany(rows.map((row) => row.userId)),
    ]);
    const titles = new Map(challenges.map((c) => [c._id.toHexString(), c.title]));
    return rows.map((row) =>
      mapSubmission(
        row,
        titles.get(row.challengeId.toHexString()) ?? '',
        people.get(row.userId.toHexString())?.displayName ?? '',
      ),
    );
  }

  private async member(id: string): Promise<UserRecord> {
    const user = await this.users.find(new Types.ObjectId(id));
    if (!user) throw new NotFoundException('User not found');
    return user;
  }
}
