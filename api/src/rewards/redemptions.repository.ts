import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { AtomicWrites } from '../database/atomic-writes';
import { GroupedInserts } from '../database/command-groups';
import { FailureReason, Redemption, RedemptionState, type RedemptionStatus } from './schemas/redemption.schema';

export type NewRedemption = Omit<Redemption, 'createdAt' | 'updatedAt'>;

export interface RedemptionCursor {
  createdAt: Date;
  id: string;
}

export interface QueueFilter {
  states: RedemptionState[];
  rewardId?: Types.ObjectId;
  organizationId?: Types.ObjectId;
}

/** Where a list resumes: `<ms>_<id>` of the last item shown. */
export const encodeCursor = (row: Pick<Redemption, 'createdAt' | '_id'>) => `${row.createdAt.getTime()}_${row._id}`;

/** The only place that touches redemptions. Every state change is one conditional update (atomic by contract). */
@Injectable()
export class RedemptionsRepository {
  constructor(
    @InjectModel(Redemption.name) private readonly redemptions: Model<Redemption>,
    private readonly atomic: AtomicWrites,
  ) {
    this.newRedemptions = new GroupedInserts(redemptions);
  }

  private readonly newRedemptions: GroupedInserts<Redemption>;

  /** Writes a new redemption (the commit point of its steps); false when its `_id` exists. */
  insert(redemption: NewRedemption): Promise<boolean> {
    const now = new Date();
    return this.newRedemptions.insert({ ...redemption, createdAt: now, updatedAt: now });
  }

  find(id: string): Promise<Redemption | null> {
    return this.redemptions.findById(id).lean<Redemption>().exec();
  }

  /**
   * Takes over a redemption left in `states` by a run whose time is up (a crashed request): the
   * new owner runs its steps. Null when it is not in those states, or its owner is still within time.
   */
  async takeOver(
    id: string,
    states: RedemptionState[],
    owner: string,
    until: Date,
    now: Date,
  ): Promise<Redemption | null> {
    const result = await this.atomic.updateOne(
      this.redemptions,
      { _id: id, state: trusted({ $in: states }), lockedUntil: trusted({ $lt: now }) },
      { $set: { owner, lockedUntil: until } },
      { returnDocument: 'after' },
    );
    return result.changed ? result.doc : null;
  }

  /** `reserving` → `to` by its owner, once: the redemption is committed. */
  async commit(
    id: string,
    owner: string,
    to: 'pending' | 'issuing',
  ): Promise<{ changed: boolean; doc: Redemption | null }> {
    return this.atomic.updateOne(
      this.redemptions,
      { _id: id, state: 'reserving', owner },
      { $set: { state: to } },
      { returnDocument: 'after' },
    );
  }

  /** `reserving` → `failed` by its owner, once: the caller then gives back what was taken. */
  async fail(id: string, owner: string, failure: FailureReason): Promise<boolean> {
    const result = await this.atomic.updateOne(
      this.redemptions,
      { _id: id, state: 'reserving', owner },
      { $set: { state: 'failed', failure } },
    );
    return result.changed;
  }

  /** A code pool's redemption gets its code: `issuing` → `fulfilled`, once. */
  async issued(id: string, code: string, slot: string): Promise<{ changed: boolean; doc: Redemption | null }> {
    return this.atomic.updateOne(
      this.redemptions,
      { _id: id, state: 'issuing' },
      { $set: { state: 'fulfilled', code, codeSlot: slot, decidedAt: new Date() } },
      { returnDocument: 'after' },
    );
  }

  /**
   * `pending` → `to`, once whatever the concurrency; null when it was no longer pending. A reject
   * or cancel gets its settle token (its refund and restock follow, guarded by it).
   */
  async decide(
    id: string,
    to: Exclude<RedemptionStatus, 'pending'>,
    by: Types.ObjectId,
    note: string | null,
    code: string | null = null,
  ): Promise<Redemption | null> {
    const giveBack = to !== 'fulfilled';
    const result = await this.atomic.updateOne(
      this.redemptions,
      { _id: id, state: 'pending' },
      {
        $set: {
          state: to,
          note,
          decidedBy: by,
          decidedAt: new Date(),
          ...(code ? { code } : {}),
          ...(giveBack ? { settleToken: new Types.ObjectId(), settled: false } : {}),
        },
      },
      { returnDocument: 'after' },
    );
    return result.changed ? result.doc : null;
  }

  async markSettled(id: string): Promise<void> {
    await this.atomic.updateOne(this.redemptions, { _id: id, settled: false }, { $set: { settled: true } });
  }

  /** A member's redemptions (not those refused), newest first. */
  listForUser(userId: Types.ObjectId, limit: number, after?: RedemptionCursor): Promise<Redemption[]> {
    const filter: Record<string, unknown> = { userId, state: trusted({ $ne: 'failed' }) };
    if (after) {
      filter.$or = trusted([
        { createdAt: { $lt: after.createdAt } },
        { createdAt: after.createdAt, _id: { $lt: after.id } },
      ]);
    }
    return this.redemptions.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<Redemption[]>().exec();
  }

  /** The fulfilment queue, oldest first. */
  listQueue({ states, rewardId, organizationId }: QueueFilter, limit: number, after?: RedemptionCursor) {
    const filter: Record<string, unknown> = { state: trusted({ $in: states }) };
    if (rewardId) filter.rewardId = rewardId;
    if (organizationId) filter.organizationId = organizationId;
    if (after) {
      filter.$or = trusted([
        { createdAt: { $gt: after.createdAt } },
        { createdAt: after.createdAt, _id: { $gt: after.id } },
      ]);
    }
    return this.redemptions.find(filter).sort({ createdAt: 1, _id: 1 }).limit(limit).lean<Redemption[]>().exec();
  }

  /** Redemptions whose run stopped part-way (owner's time up), and refunds not yet settled. */
  async leftMidway(now: Date, settleAfter: Date, limit: number): Promise<Redemption[]> {
    const [running, unsettled] = await Promise.all([
      this.redemptions
        .find({ state: trusted({ $in: ['reserving', 'issuing'] }), lockedUntil: trusted({ $lt: now }) })
        .limit(limit)
        .lean<Redemption[]>()
        .exec(),
      this.redemptions
        .find({ settled: false, decidedAt: trusted({ $lt: settleAfter }) })
        .limit(limit)
        .lean<Redemption[]>()
        .exec(),
    ]);
    return [...running, ...unsettled];
  }

  /** Points given to each of these donation rewards (pending and fulfilled redemptions), and how many gifts. */
  async givenTo(rewardIds: Types.ObjectId[]): Promise<Map<string, { points: number; donors: number }>> {
    if (!rewardIds.length) return new Map();
    const given = { rewardId: trusted({ $in: rewardIds }), state: trusted({ $in: ['pending', 'fulfilled'] }) };
    const rows = await this.redemptions
      .aggregate<{ _id: Types.ObjectId; points: number }>([
        { $match: given },
        { $group: { _id: '$rewardId', points: { $sum: '$cost' } } },
      ])
      .exec();
    // Counted apart: FerretDB 1.24 sums a constant (`$sum: 1`) as 0.
    const counts = await Promise.all(
      rewardIds.map((rewardId) =>
        this.redemptions.countDocuments({ rewardId, state: trusted({ $in: ['pending', 'fulfilled'] }) }).exec(),
      ),
    );
    const points = new Map(rows.map((row) => [row._id.toHexString(), row.points]));
    return new Map(
      rewardIds.map((id, index) => [
        id.toHexString(),
        { points: points.get(id.toHexString()) ?? 0, donors: counts[index] },
      ]),
    );
  }
}
