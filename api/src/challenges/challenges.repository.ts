import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { Challenge } from './schemas/challenge.schema';
import { Submission, SubmissionStatus } from './schemas/submission.schema';

export type NewChallenge = Omit<Challenge, '_id' | 'createdAt'>;

/** The only place that touches challenges and submissions. */
@Injectable()
export class ChallengesRepository {
  constructor(
    @InjectModel(Challenge.name) private readonly challenges: Model<Challenge>,
    @InjectModel(Submission.name) private readonly submissions: Model<Submission>,
  ) {}

  async create(challenge: NewChallenge): Promise<Challenge> {
    return (await this.challenges.create(challenge)).toObject();
  }

  update(id: Types.ObjectId, changes: Partial<NewChallenge>): Promise<Challenge | null> {
    return this.challenges
      .findByIdAndUpdate(id, { $set: changes }, { returnDocument: 'after' })
      .lean<Challenge>()
      .exec();
  }

  find(id: Types.ObjectId): Promise<Challenge | null> {
    return this.challenges.findById(id).lean<Challenge>().exec();
  }

  /** Challenges whose window contains `at` (optionally only those counting one activity type). */
  listOpenAt(at: Date, activityType?: string): Promise<Challenge[]> {
    const filter: Record<string, unknown> = { startsAt: trusted({ $lte: at }), endsAt: trusted({ $gt: at }) };
    if (activityType) filter['goal.activityType'] = activityType;
    return this.challenges.find(filter).sort({ endsAt: 1 }).limit(200).lean<Challenge[]>().exec();
  }

  /** Challenges ending after `at` (the engine caches these rather than query per award). */
  listEndingAfter(at: Date): Promise<Challenge[]> {
    return this.challenges
      .find({ endsAt: trusted({ $gt: at }) })
      .limit(1000)
      .lean<Challenge[]>()
      .exec();
  }

  /** Every challenge, newest first, for the manager console. */
  listAll(limit: number): Promise<Challenge[]> {
    return this.challenges.find({}).sort({ _id: -1 }).limit(limit).lean<Challenge[]>().exec();
  }

  async createSubmission(submission: Pick<Submission, 'challengeId' | 'userId' | 'organizationId' | 'text' | 'url'>) {
    return (await this.submissions.create(submission)).toObject();
  }

  findSubmission(id: Types.ObjectId): Promise<Submission | null> {
    return this.submissions.findById(id).lean<Submission>().exec();
  }

  latestSubmission(challengeId: Types.ObjectId, userId: Types.ObjectId): Promise<Submission | null> {
    return this.submissions.findOne({ challengeId, userId }).sort({ _id: -1 }).lean<Submission>().exec();
  }

  listSubmissions({
    challengeId,
    status,
  }: {
    challengeId?: Types.ObjectId;
    status?: SubmissionStatus;
  }): Promise<Submission[]> {
    const filter: Record<string, unknown> = {};
    if (challengeId) filter.challengeId = challengeId;
    if (status) filter.status = status;
    return this.submissions.find(filter).sort({ _id: 1 }).limit(500).lean<Submission[]>().exec();
  }

  /** Decides a pending submission; null when it was no longer pending (decided by someone else). */
  decide(
    id: Types.ObjectId,
    status: 'approved' | 'rejected',
    decidedBy: Types.ObjectId,
    comment: string | null,
  ): Promise<Submission | null> {
    return this.submissions
      .findOneAndUpdate(
        { _id: id, status: 'pending' },
        { $set: { status, decidedBy, comment, decidedAt: new Date() } },
        { returnDocument: 'after' },
      )
      .lean<Submission>()
      .exec();
  }
}
