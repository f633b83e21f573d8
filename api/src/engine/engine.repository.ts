import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { insertOnce } from '../common/database-errors';
import { AtomicWrites } from '../database/atomic-writes';
import { appliedValue, guardedIncrement, guardPath, notYetApplied } from '../database/guards';
import { Counter, Mark, MemberBadge } from './schemas/engine-state.schema';

/** Field names cannot hold dots in an update path, so activity types are stored with `~`. */
export const statKey = (name: string) => name.replace(/\./g, '~');
export const fromStatKey = (key: string) => key.replace(/~/g, '.');

export interface CapWindow {
  /** The counter's `_id`: `cap|user|type|period|start`. */
  id: string;
  cap: number;
}

/** The only place that touches activities and the engine's derived state. */
@Injectable()
export class EngineRepository {
  constructor(
    @InjectModel(Counter.name) private readonly counters: Model<Counter>,
    @InjectModel(Mark.name) private readonly marks: Model<Mark>,
    @InjectModel(MemberBadge.name) private readonly badges: Model<MemberBadge>,
    private readonly atomic: AtomicWrites,
  ) {}

  /**
   * Current values of some counters. One `_id` look-up each, in parallel: FerretDB serves those
   * from SQLite directly but scans the whole collection for `_id: {$in: …}`.
   */
  async counterValues(ids: string[]): Promise<Map<string, number>> {
    const rows = await Promise.all(
      ids.map((id) => this.counters.findById(id, { value: 1 }).lean<Pick<Counter, '_id' | 'value'>>().exec()),
    );
    return new Map(rows.flatMap((row) => (row ? [[row._id, row.value] as const] : [])));
  }

  /**
   * Reserves up to `points` in every cap window of an award at once, atomically: each window's
   * counter rises only while it stays within its cap, and when one window refuses (another award
   * took the room meanwhile) the windows already reserved are given back and the reservation is
   * recomputed. Guarded by `token` (the award's entry id): reserving again for the same award
   * reserves nothing more. Returns the points reserved: fewer when a cap is nearly full, 0 when full.
   */
  async reserveWithinCaps(windows: CapWindow[], points: number, token: string): Promise<number> {
    // Most awards fit: the first try asks for all of it (within each cap) without reading the
    // counters; only a refusal pays for the read that tells how much room is left.
    let used: Map<string, number> = new Map();
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) used = await this.counterValues(windows.map((w) => w.id));
      const allowed = windows.reduce(
        (left, { id, cap }) => Math.max(0, Math.min(left, cap - (used.get(id) ?? 0))),
        points,
      );
      if (allowed <= 0) return 0;
      const taken: string[] = [];
      for (const window of windows) {
        if (!(await this.reserve(window, allowed, token))) break;
        taken.push(window.id);
      }
      if (taken.length === windows.length) return allowed;
      for (const id of taken) await this.release(id, token);
      if (attempt > 50) return 0; // pathological contention: award nothing rather than exceed a cap
    }
  }

  /** One window: `value + amount <= cap`, once per token. */
  private async reserve(window: CapWindow, amount: number, token: string): Promise<boolean> {
    const result = await this.atomic.updateOne(
      this.counters,
      { _id: window.id, value: trusted({ $lte: window.cap - amount }), ...notYetApplied(token) },
      guardedIncrement(token, amount, amount),
      { upsert: true },
    );
    return result.changed || appliedValue(result.doc, token) !== undefined;
  }

  /** Gives back what `token` reserved or added on a counter (nothing when it holds nothing). */
  release(id: string, token: string): Promise<void> {
    return this.atomic.run(this.counters, id, async () => {
      const current = await this.counters.findById(id).lean<Counter>().exec();
      const amount = appliedValue(current, token);
      if (typeof amount !== 'number') return;
      const path = guardPath(token);
      // Conditional on the amount read, so on MongoDB (no lease) two releases cannot both give it back.
      await this.atomic.updateOne(
        this.counters,
        { _id: id, [path]: amount },
        { $inc: { value: -amount }, $unset: { [path]: '' } },
      );
    });
  }

  /** Adds `by` to a counter once per `token`; the counter's value after (whether or not this call added). */
  async incrementOnce(id: string, by: number, token: string): Promise<number> {
    const result = await this.atomic.updateOne(
      this.counters,
      { _id: id, ...notYetApplied(token) },
      guardedIncrement(token, by, by),
      { upsert: true, returnDocument: 'after' },
    );
    return result.doc?.value ?? 0;
  }

  /** True when this mark is new. */
  mark(id: string): Promise<boolean> {
    return insertOnce(() => this.marks.create({ _id: id }));
  }

  /**
   * Sets a mark on behalf of a ledger entry: true when the mark is this entry's (new now, or set
   * by this same entry before a crash), false when an earlier entry set it.
   */
  async markFor(id: string, entryId: string): Promise<boolean> {
    if (await insertOnce(() => this.marks.create({ _id: id, entry: entryId }))) return true;
    return (await this.marks.findById(id).lean<Mark>().exec())?.entry === entryId;
  }

  /** Which of these marks exist. One `_id` look-up each (see counterValues). */
  async existingMarks(ids: string[]): Promise<Set<string>> {
    const rows = await Promise.all(ids.map((id) => this.marks.exists({ _id: id }).exec()));
    return new Set(ids.filter((_, index) => rows[index] !== null));
  }

  memberBadges(userId: Types.ObjectId): Promise<MemberBadge[]> {
    return this.badges.find({ userId }).sort({ earnedAt: 1 }).lean<MemberBadge[]>().exec();
  }

  /** True when the badge was awarded now; false when the member already had it (unique `_id`). */
  awardBadge(userId: Types.ObjectId, key: string, earnedAt: Date): Promise<boolean> {
    return insertOnce(() => this.badges.create({ _id: `${userId.toHexString()}|${key}`, userId, key, earnedAt }));
  }
}
