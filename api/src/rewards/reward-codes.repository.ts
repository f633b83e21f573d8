import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { isDuplicateKey } from '../common/database-errors';
import { AtomicWrites } from '../database/atomic-writes';
import { Reward, RewardCode } from './schemas/reward.schema';

export interface AppendResult {
  added: number;
  duplicates: number;
}

const slotId = (rewardId: Types.ObjectId, seq: number) => `${rewardId.toHexString()}|${seq}`;

/**
 * The only place that touches code pools: the codes (`reward_codes`, one slot per position) and
 * the pool's append log on its reward (`codes.end`, `codes.next`; the stock moves with `end`).
 */
@Injectable()
export class RewardCodesRepository {
  constructor(
    @InjectModel(Reward.name) private readonly rewards: Model<Reward>,
    @InjectModel(RewardCode.name) private readonly codes: Model<RewardCode>,
    private readonly atomic: AtomicWrites,
  ) {}

  /**
   * Appends codes to a pool: each at the next free position (a position is claimed by inserting
   * its slot, so concurrent uploads never share one; a code already in the pool is refused by the
   * unique index and skipped), then the pool's end and its stock move over every slot present, in
   * one conditional update. Slots a crashed upload left beyond the end are counted by the next.
   */
  async appendCodes(rewardId: Types.ObjectId, codes: string[]): Promise<AppendResult> {
    let duplicates = 0;
    let queue = [...codes];
    for (let round = 0; round < 1000; round++) {
      const reward = await this.rewards.findById(rewardId, { codes: 1 }).lean<Reward>().exec();
      if (!reward) return { added: 0, duplicates };
      let position = reward.codes?.end ?? 0;
      // Slots written beyond the end (a crashed or concurrent upload) are counted first.
      while (await this.codes.exists({ _id: slotId(rewardId, position) }).exec()) position++;
      const rest: string[] = [];
      for (let index = 0; index < queue.length; index++) {
        const code = queue[index];
        const inserted = await this.insertSlot(rewardId, position, code);
        if (inserted === 'inserted') position++;
        else if (inserted === 'duplicate') duplicates++;
        else {
          rest.push(...queue.slice(index)); // someone else took this position: count, then go on
          break;
        }
      }
      await this.advanceEnd(rewardId);
      if (!rest.length) break;
      queue = rest;
    }
    return { added: codes.length - duplicates, duplicates };
  }

  private async insertSlot(rewardId: Types.ObjectId, seq: number, code: string) {
    try {
      await this.codes.collection.insertOne({
        _id: slotId(rewardId, seq) as never,
        rewardId,
        seq,
        code,
        redemptionId: null,
        assignedAt: null,
        uploadedAt: new Date(),
      });
      return 'inserted' as const;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return (await this.codes.exists({ _id: slotId(rewardId, seq) }).exec())
        ? ('taken' as const)
        : ('duplicate' as const);
    }
  }

  /** Moves the pool's end (and stock) over every slot present past it, once per end value. */
  private async advanceEnd(rewardId: Types.ObjectId): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const reward = await this.rewards.findById(rewardId, { codes: 1 }).lean<Reward>().exec();
      const end = reward?.codes?.end ?? 0;
      let position = end;
      while (await this.codes.exists({ _id: slotId(rewardId, position) }).exec()) position++;
      if (position === end) return;
      const moved = await this.atomic.updateOne(
        this.rewards,
        { _id: rewardId, 'codes.end': end },
        { $set: { 'codes.end': position }, $inc: { stock: position - end } },
      );
      if (moved.changed) return;
    }
  }

  /**
   * Hands a code to a redemption that holds a unit of the pool's stock: the slot at the pool's
   * next position, claimed with a conditional update (only while unassigned), so no code goes to
   * two redemptions. A position skipped by a crash is found again through the free-code query.
   * Returns the code (the same one when the redemption already holds one), or null when none is free.
   */
  async assignCode(rewardId: Types.ObjectId, redemptionId: string): Promise<RewardCode | null> {
    const held = await this.codes.findOne({ rewardId, redemptionId }).lean<RewardCode>().exec();
    if (held) return held;
    const advanced = await this.atomic.updateOne(
      this.rewards,
      { _id: rewardId },
      { $inc: { 'codes.next': 1 } },
      { returnDocument: 'before' },
    );
    const seq = advanced.doc?.codes?.next ?? 0;
    if (seq < (advanced.doc?.codes?.end ?? 0)) {
      const claimed = await this.claimSlot(slotId(rewardId, seq), redemptionId);
      if (claimed) return claimed;
    }
    for (let round = 0; round < 20; round++) {
      const free = await this.codes
        .find({ rewardId, redemptionId: null })
        .sort({ seq: 1 })
        .limit(10)
        .lean<RewardCode[]>()
        .exec();
      if (!free.length) return null;
      for (const slot of free) {
        const claimed = await this.claimSlot(slot._id, redemptionId);
        if (claimed) return claimed;
      }
    }
    return null;
  }

  private async claimSlot(id: string, redemptionId: string): Promise<RewardCode | null> {
    const result = await this.atomic.updateOne(
      this.codes,
      { _id: id, redemptionId: null },
      { $set: { redemptionId, assignedAt: new Date() } },
      { returnDocument: 'after' },
    );
    return result.changed ? result.doc : null;
  }

  /** Frees a code a redemption holds by mistake (two runs of it claimed two). */
  async releaseCode(slot: string, redemptionId: string): Promise<void> {
    await this.atomic.updateOne(
      this.codes,
      { _id: slot, redemptionId },
      { $set: { redemptionId: null, assignedAt: null } },
    );
  }

  /** Codes of a pool: total uploaded and still free. */
  async codeCounts(rewardId: Types.ObjectId): Promise<{ uploaded: number; free: number }> {
    const [uploaded, free] = await Promise.all([
      this.codes.countDocuments({ rewardId }).exec(),
      this.codes.countDocuments({ rewardId, redemptionId: null }).exec(),
    ]);
    return { uploaded, free };
  }
}
