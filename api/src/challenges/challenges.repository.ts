import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { audienceFilter, type AudienceMember } from '../common/audience/audience';
import { AtomicWrites } from '../database/atomic-writes';
import { Challenge } from './schemas/challenge.schema';
import { Submission, SubmissionSlot, SubmissionStatus } from './schemas/submission.schema';

export type NewChallenge = Omit<Challenge, '_id' | 'createdAt'>;
export type NewSubmission = Pick<Submission, 'challengeId' | 'userId' | 'organizationId' | 'text' | 'url'>;

export interface SubmissionFilter {
  challengeId?: Types.ObjectId;
  status?: SubmissionStatus;
  /** A manager who belongs to an organization sees only its members' submissions. */
  organizationId?: Types.ObjectId;
}

/** A claimed slot whose submission never appeared (its request died) is reclaimed after this. */
const ORPHANED_SLOT_MS = 60_000;

/** The only place that touches challenges, submissions and their slots. */
@Injectable()
export class ChallengesRepository {
  constructor(
    @InjectModel(Challenge.name) private readonly challenges: Model<Challenge>,
    @InjectModel(Submission.name) private readonly submissions: Model<Submission>,
    @InjectModel(SubmissionSlot.name) private readonly slots: Model<SubmissionSlot>,
    private readonly atomic: AtomicWrites,
  ) {}

  async create(challenge: NewChallenge): Promise<Challenge> {
    return (await this.challenges.create(challenge)).toObject();
  }

  async update(id: Types.ObjectId, changes: Partial<NewChallenge>): Promise<Challenge | null> {
    return (await this.atomic.updateOne(this.challenges, { _id: id }, { $set: changes }, { returnDocument: 'after' }))
      .doc;
  }

  find(id: Types.ObjectId): Promise<Challenge | null> {
    return this.challenges.findById(id).lean<Challenge>().exec();
  }

  /** Challenges in one query (titles for a page of submissions). */
  findMany(ids: Types.ObjectId[]): Promise<Challenge[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.challenges
      .find({ _id: trusted({ $in: ids }) })
      .lean<Challenge[]>()
      .exec();
  }

  /** Challenges open at `at` and aimed at `member`: the audience is part of the query. */
  listOpenFor(member: AudienceMember, at: Date, limit: number): Promise<Challenge[]> {
    return this.challenges
      .find({ startsAt: trusted({ $lte: at }), endsAt: trusted({ $gt: at }), ...audienceFilter(member) })
      .sort({ endsAt: 1 })
      .limit(limit)
      .lean<Challenge[]>()
      .exec();
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

  /**
   * Creates a submission only while the member has none pending for this challenge, whatever
   * the concurrency: the member's slot is claimed with one conditional update first. Null when
   * one is pending.
   */
  async openSubmission(submission: NewSubmission): Promise<Submission | null> {
    const slotId = `${submission.challengeId.toHexString()}|${submission.userId.toHexString()}`;
    const id = new Types.ObjectId();
    const claim = { $set: { open: id, claimedAt: new Date() } };
    const claimed = await this.atomic.run(this.slots, slotId, async () => {
      const first = await this.atomic.updateOne(this.slots, { _id: slotId, open: null }, claim, { upsert: true });
      if (first.changed) return true;
      // Taken: by a pending submission (refuse), or by one decided or never written (reclaim).
      const holder = first.doc?.open
        ? await this.submissions.findById(first.doc.open, { status: 1 }).lean<Submission>().exec()
        : null;
      const orphaned = !holder && Date.now() - (first.doc?.claimedAt?.getTime() ?? 0) > ORPHANED_SLOT_MS;
      if (!first.doc?.open || holder?.status === 'pending' || (!holder && !orphaned)) return false;
      return (await this.atomic.updateOne(this.slots, { _id: slotId, open: first.doc.open }, claim)).changed;
    });
    if (!claimed) return null;
    return (await this.submissions.create({ _id: id, ...submission })).toObject();
  }

  findSubmission(id: Types.ObjectId): Promise<Submission | null> {
    return this.submissions.findById(id).lean<Submission>().exec();
  }

  /** A member's latest submission to each of these challenges, in one query. */
  async latestSubmissions(challengeIds: Types.ObjectId[], userId: Types.ObjectId): Promise<Map<string, Submission>> {
    if (!challengeIds.length) return new Map();
    const rows = await this.submissions
      .find({ userId, challengeId: trusted({ $in: challengeIds }) })
      .sort({ _id: -1 })
      .lean<Submission[]>()
      .exec();
    const latest = new Map<string, Submission>();
    for (const row of rows)
      if (!latest.has(row.challengeId.toHexString())) latest.set(row.challengeId.toHexString(), row);
    return latest;
  }

  listSubmissions({ challengeId, status, organizationId }: SubmissionFilter): Promise<Submission[]> {
    const filter: Record<string, unknown> = {};
    if (challengeId) filter.challengeId = challengeId;
    if (status) filter.status = status;
    if (organizationId) filter.organizationId = organizationId;
    return this.submissions.find(filter).sort({ _id: 1 }).limit(500).lean<Submission[]>().exec();
  }

  /**
   * Decides a pending submission once, whatever the concurrency; null when it was no longer
   * pending. Frees the member's slot for a new submission.
   */
  async decide(
    id: Types.ObjectId,
    status: 'approved' | 'rejected',
    decidedBy: Types.ObjectId,
    comment: string | null,
  ): Promise<Submission | null> {
    const result = await this.atomic.updateOne(
      this.submissions,
      { _id: id, status: 'pending' },
      { $set: { status, decidedBy, comment, decidedAt: new Date() } },
      { returnDocument: 'after' },
    );
    if (!result.changed) return null;
    const decided = result.doc!;
    const slotId = `${decided.challengeId.toHexString()}|${decided.userId.toHexString()}`;
    await this.atomic.updateOne(this.slots, { _id: slotId, open: id }, { $set: { open: null } });
    return decided;
  }
}
