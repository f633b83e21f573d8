import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { Types } from 'mongoose';
import { DomainEventBus } from '../common/domain-event-bus';
import { toObjectId } from '../common/pagination';
import { isStaff, type Principal } from '../common/roles';
import { ContentService } from '../content/content.service';
import { WriteSerializer } from '../database/write-serializer';
import { ActivitiesService } from '../engine/activities.service';
import { EngineRepository } from '../engine/engine.repository';
import { UserRecord, UsersRepository } from '../users/users.repository';
import { ChallengeCompletionService } from './challenge-completion.service';
import { inAudience, isOpen, progressKeys } from './challenge-progress';
import { ChallengesRepository, NewChallenge } from './challenges.repository';
import type {
  ChallengeDto,
  CreateChallengeDto,
  CreatedSubmissionDto,
  CreateSubmissionDto,
  MyProgressDto,
  SubmissionDto,
  UpdateChallengeDto,
} from './dto/challenge.dto';
import type { Challenge } from './schemas/challenge.schema';
import type { Submission, SubmissionStatus } from './schemas/submission.schema';

/**
 * Time-boxed challenges: the manager console, what each member may see (audience and window),
 * evidence submissions and their decisions. Progress and completion: ChallengeCompletionService.
 */
@Injectable()
export class ChallengesService {
  constructor(
    private readonly repository: ChallengesRepository,
    private readonly completion: ChallengeCompletionService,
    private readonly engine: EngineRepository,
    private readonly activities: ActivitiesService,
    private readonly users: UsersRepository,
    private readonly content: ContentService,
    private readonly serializer: WriteSerializer,
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
    const current = await this.repository.find(toObjectId(id));
    if (!current) throw new NotFoundException('Challenge not found');
    const merged = this.validated({ ...this.toInput(current), ...changes });
    const updated = await this.repository.update(current._id, merged);
    this.completion.forget();
    return (await this.withProgress([updated!], caller))[0];
  }

  /** Members: challenges open now and aimed at them. Staff: every challenge. */
  async list(caller: Principal): Promise<ChallengeDto[]> {
    if (isStaff(caller)) return this.withProgress(await this.repository.listAll(200), caller);
    const member = await this.member(caller.id);
    const open = await this.repository.listOpenAt(new Date());
    return this.withProgress(
      open.filter((challenge) => inAudience(challenge, this.audienceOf(member))),
      caller,
    );
  }

  async get(caller: Principal, id: string): Promise<ChallengeDto> {
    return (await this.withProgress([await this.visible(caller, id)], caller))[0];
  }

  async submit(caller: Principal, id: string, input: CreateSubmissionDto): Promise<CreatedSubmissionDto> {
    if (!caller.roles.includes('member')) throw new ForbiddenException('Only members take part in challenges');
    const challenge = await this.visible(caller, id);
    if (challenge.kind !== 'evidence') throw new BadRequestException('This challenge is tracked automatically');
    const userId = new Types.ObjectId(caller.id);
    return this.serializer.run(`submission:${id}:${caller.id}`, async () => {
      if (await this.completion.isDone(challenge, caller.id))
        throw new ConflictException('You have completed this challenge');
      const latest = await this.repository.latestSubmission(challenge._id, userId);
      if (latest?.status === 'pending') throw new ConflictException('Your submission is waiting for a decision');
      const created = await this.repository.createSubmission({
        challengeId: challenge._id,
        userId,
        organizationId: caller.organizationId ? new Types.ObjectId(caller.organizationId) : null,
        text: input.text,
        url: input.url ?? null,
      });
      return { id: created._id.toHexString(), status: 'pending' };
    });
  }

  async submissions(filter: { challengeId?: string; status?: SubmissionStatus }): Promise<SubmissionDto[]> {
    const challengeId = filter.challengeId ? toObjectId(filter.challengeId) : undefined;
    if (challengeId && !(await this.repository.find(challengeId))) throw new NotFoundException('Challenge not found');
    const rows = await this.repository.listSubmissions({ challengeId, status: filter.status });
    return this.toSubmissionDtos(rows);
  }

  async decide(
    caller: Principal,
    id: string,
    decision: 'approved' | 'rejected',
    comment?: string,
  ): Promise<SubmissionDto> {
    const submission = await this.repository.findSubmission(toObjectId(id));
    if (!submission) throw new NotFoundException('Submission not found');
    const decided = await this.serializer.run(`decide:${id}`, () =>
      this.repository.decide(submission._id, decision, new Types.ObjectId(caller.id), comment ?? null),
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
    if (!isOpen(challenge, new Date()) || !inAudience(challenge, this.audienceOf(member))) {
      throw new NotFoundException('Challenge not found');
    }
    return challenge;
  }

  private async withProgress(challenges: Challenge[], caller: Principal): Promise<ChallengeDto[]> {
    const userId = caller.id;
    const team = caller.teamId;
    const keys = challenges.flatMap((c) => {
      const id = c._id.toHexString();
      return [progressKeys.member(id, userId), ...(team ? [progressKeys.team(id, team)] : [])];
    });
    const doneKeys = challenges.flatMap((c) => {
      const id = c._id.toHexString();
      return [progressKeys.memberDone(id, userId), ...(team ? [progressKeys.teamDone(id, team)] : [])];
    });
    const [counts, done] = await Promise.all([this.engine.counterValues(keys), this.engine.existingMarks(doneKeys)]);
    const results: ChallengeDto[] = [];
    for (const challenge of challenges) {
      const id = challenge._id.toHexString();
      const completed = done.has(progressKeys.memberDone(id, userId));
      const dto = this.toDto(challenge);
      if (challenge.kind === 'evidence') {
        const latest = await this.repository.latestSubmission(challenge._id, new Types.ObjectId(userId));
        dto.myProgress = this.evidenceProgress(completed, latest);
      } else {
        const goal = challenge.goal?.count ?? 1;
        const source =
          challenge.kind === 'team' && team ? progressKeys.team(id, team) : progressKeys.member(id, userId);
        const count = completed ? goal : Math.min(goal, counts.get(source) ?? 0);
        dto.myProgress = { count, goal, status: completed ? 'completed' : 'open' };
        if (challenge.kind === 'team') {
          dto.teamProgress = {
            teamId: team,
            count: team ? Math.min(goal, counts.get(progressKeys.team(id, team)) ?? 0) : 0,
            goal,
            completed: team ? done.has(progressKeys.teamDone(id, team)) : false,
          };
        }
      }
      results.push(dto);
    }
    return results;
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
    const tierKeys = this.content.tiers().map((t) => t.key);
    const unknownTier = input.audience?.tiers?.find((tier) => !tierKeys.includes(tier));
    if (unknownTier) throw new BadRequestException(`audience.tiers: unknown tier "${unknownTier}"`);
    return {
      title: input.title,
      description: input.description,
      kind: input.kind,
      points: input.points,
      badgeKey: input.badgeKey ?? null,
      startsAt,
      endsAt,
      goal: input.kind === 'evidence' ? null : input.goal!,
      audience: {
        organizationIds: (input.audience?.organizationIds ?? []).map((id) => new Types.ObjectId(id)),
        tiers: input.audience?.tiers ?? [],
      },
    };
  }

  private toInput(challenge: Challenge): CreateChallengeDto {
    return {
      title: challenge.title,
      description: challenge.description,
      kind: challenge.kind,
      points: challenge.points,
      badgeKey: challenge.badgeKey ?? undefined,
      startsAt: challenge.startsAt.toISOString(),
      endsAt: challenge.endsAt.toISOString(),
      goal: challenge.goal ?? undefined,
      audience: {
        organizationIds: challenge.audience.organizationIds.map((id) => id.toHexString()),
        tiers: challenge.audience.tiers,
      },
    };
  }

  private toDto(challenge: Challenge): ChallengeDto {
    return {
      id: challenge._id.toHexString(),
      title: challenge.title,
      description: challenge.description,
      kind: challenge.kind,
      points: challenge.points,
      badgeKey: challenge.badgeKey,
      startsAt: challenge.startsAt.toISOString(),
      endsAt: challenge.endsAt.toISOString(),
      goal: challenge.goal ? { activityType: challenge.goal.activityType, count: challenge.goal.count } : null,
      audience: {
        organizationIds: challenge.audience.organizationIds.map((id) => id.toHexString()),
        tiers: challenge.audience.tiers,
      },
      myProgress: { count: 0, goal: challenge.goal?.count ?? 1, status: 'open' },
    };
  }

  private async toSubmissionDtos(rows: Submission[]): Promise<SubmissionDto[]> {
    const titles = new Map<string, string>();
    const names = new Map<string, string>();
    const result: SubmissionDto[] = [];
    for (const row of rows) {
      const challengeId = row.challengeId.toHexString();
      if (!titles.has(challengeId)) titles.set(challengeId, (await this.repository.find(row.challengeId))?.title ?? '');
      const userId = row.userId.toHexString();
      if (!names.has(userId)) names.set(userId, (await this.users.findById(row.userId))?.displayName ?? '');
      result.push({
        id: row._id.toHexString(),
        challengeId,
        challengeTitle: titles.get(challengeId)!,
        userId,
        displayName: names.get(userId)!,
        text: row.text,
        url: row.url,
        status: row.status,
        comment: row.comment,
        createdAt: row.createdAt.toISOString(),
        decidedAt: row.decidedAt?.toISOString() ?? null,
      });
    }
    return result;
  }

  private async member(id: string): Promise<UserRecord> {
    const user = await this.users.findById(new Types.ObjectId(id));
    if (!user) throw new NotFoundException('User not found');
    return user;
  }

  private audienceOf(user: UserRecord) {
    return { organizationId: user.organizationId?.toHexString() ?? null, tierKey: user.tierKey };
  }
}
