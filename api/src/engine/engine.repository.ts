import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { Activity } from './schemas/activity.schema';
import { Counter, Mark, MemberBadge } from './schemas/engine-state.schema';

export type NewActivity = Omit<Activity, 'createdAt'>;

/** Field names cannot hold dots in an update path, so activity types are stored with `~`. */
export const statKey = (name: string) => name.replace(/\./g, '~');
export const fromStatKey = (key: string) => key.replace(/~/g, '.');

const isDuplicateKey = (error: unknown) => (error as { code?: unknown } | null)?.code === 11000;

/** The only place that touches activities and the engine's derived state. */
@Injectable()
export class EngineRepository {
  constructor(
    @InjectModel(Activity.name) private readonly activities: Model<Activity>,
    @InjectModel(Counter.name) private readonly counters: Model<Counter>,
    @InjectModel(Mark.name) private readonly marks: Model<Mark>,
    @InjectModel(MemberBadge.name) private readonly badges: Model<MemberBadge>,
  ) {}

  /** Inserts the activity, or returns null when its idempotency key is taken. */
  async insertActivity(activity: NewActivity): Promise<Activity | null> {
    // Every field comes from validated input, so (as for ledger entries) the document goes
    // straight to the collection rather than through mongoose's document machinery.
    const stored: Activity = { ...activity, createdAt: new Date() };
    try {
      await this.activities.collection.insertOne(stored);
      return stored;
    } catch (error) {
      if (isDuplicateKey(error)) return null;
      throw error;
    }
  }

  findActivityByKey(idempotencyKey: string): Promise<Activity | null> {
    return this.activities.findOne({ idempotencyKey }).lean<Activity>().exec();
  }

  async counterValues(ids: string[]): Promise<Map<string, number>> {
    if (!ids.length) return new Map();
    const rows = await this.counters
      .find({ _id: trusted({ $in: ids }) })
      .lean<Counter[]>()
      .exec();
    return new Map(rows.map((row) => [row._id, row.value]));
  }

  async increment(id: string, by: number): Promise<number> {
    const row = await this.counters
      .findOneAndUpdate({ _id: id }, { $inc: { value: by } }, { upsert: true, returnDocument: 'after' })
      .lean<Counter>()
      .exec();
    return row.value;
  }

  /** True when this mark is new. */
  async mark(id: string): Promise<boolean> {
    try {
      await this.marks.create({ _id: id });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /** Which of these marks exist. */
  async existingMarks(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.marks
      .find({ _id: trusted({ $in: ids }) })
      .select({ _id: 1 })
      .lean<Mark[]>()
      .exec();
    return new Set(rows.map((row) => row._id));
  }

  memberBadges(userId: Types.ObjectId): Promise<MemberBadge[]> {
    return this.badges.find({ userId }).sort({ earnedAt: 1 }).lean<MemberBadge[]>().exec();
  }

  /** True when the badge was awarded now; false when the member already had it (unique `_id`). */
  async awardBadge(userId: Types.ObjectId, key: string, earnedAt: Date): Promise<boolean> {
    try {
      await this.badges.create({ _id: `${userId.toHexString()}|${key}`, userId, key, earnedAt });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}
