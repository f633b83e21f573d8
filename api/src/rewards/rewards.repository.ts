import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { audienceFilter, type AudienceMember } from '../common/audience/audience';
import { afterKeyset, type Keyset, olderThan } from '../common/pagination';
import { AtomicWrites } from '../database/atomic-writes';
import {
  alreadyApplied,
  appliedValue,
  guardedIncrement,
  guardPath as guardKey,
  markApplied,
  notYetApplied,
} from '../database/guards';
import { Reward, RewardHolding } from './schemas/reward.schema';

export type NewReward = Omit<Reward, '_id' | 'createdAt' | 'updatedAt' | 'applied' | 'codes'>;
export type RewardChanges = Partial<Omit<NewReward, 'codePool' | 'createdBy'>>;

/** `taken`: now or by an earlier run of the same redemption; `out`: no stock (or limit) left. */
export type TakeResult = 'taken' | 'out';

/** At most this many stock takes go in one update. */
const MAX_STOCK_BATCH = 200;
/** At most this many finished guards wait per reward (the retention drops any beyond). */
const MAX_FINISHED = 5_000;

const holdingId = (rewardId: Types.ObjectId, userId: Types.ObjectId) =>
  `${rewardId.toHexString()}|${userId.toHexString()}`;

/**
 * The only place that touches rewards and holdings (per-member counts); code pools: RewardCodesRepository. Every
 * "only while" is one atomic primitive (AtomicWrites.updateOne on an `_id`-keyed document), and
 * each carries the redemption's guard token, so running a step again changes nothing.
 */
@Injectable()
export class RewardsRepository {
  /**
   * Guards of redemptions that finished taking stock (committed, or given back), per reward: the
   * next guarded update of that reward drops them. Unlike a ledger posting nothing replays a
   * finished redemption's take, so they go at once rather than after ClosedGuards' grace minute,
   * keeping the hottest document of a sale small.
   */
  private readonly finished = new Map<string, string[]>();
  /** Stock takes waiting for the reward's current write in this process (see takeStock). */
  private readonly stockQueues = new Map<
    string,
    Array<{ token: string; done: (result: TakeResult) => void; fail: (error: unknown) => void }>
  >();

  constructor(
    @InjectModel(Reward.name) private readonly rewards: Model<Reward>,
    @InjectModel(RewardHolding.name) private readonly holdings: Model<RewardHolding>,
    private readonly atomic: AtomicWrites,
  ) {}

  async create(reward: NewReward): Promise<Reward> {
    return (await this.rewards.create(reward)).toObject();
  }

  async update(id: Types.ObjectId, changes: RewardChanges): Promise<Reward | null> {
    const result = await this.atomic.updateOne(
      this.rewards,
      { _id: id },
      { $set: changes },
      { returnDocument: 'after' },
    );
    return result.doc;
  }

  find(id: Types.ObjectId): Promise<Reward | null> {
    return this.rewards.findById(id, { applied: 0 }).lean<Reward>().exec();
  }

  findMany(ids: Types.ObjectId[]): Promise<Reward[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.rewards
      .find({ _id: trusted({ $in: ids }) }, { applied: 0 })
      .lean<Reward[]>()
      .exec();
  }

  /**
   * A page of the active rewards aimed at `member`, cheapest first: the audience is part of the
   * query (a page is never emptied by a filter after the read); `after` is where the previous page
   * ended in (cost, _id) order.
   */
  listActiveFor(member: AudienceMember, limit: number, after?: Keyset): Promise<Reward[]> {
    const and: Record<string, unknown>[] = [{ active: true }, audienceFilter(member)];
    if (after) and.push(afterKeyset('cost', after));
    return this.rewards
      .find({ $and: and }, { applied: 0 })
      .sort({ cost: 1, _id: 1 })
      .limit(limit)
      .lean<Reward[]>()
      .exec();
  }

  /** A page of every reward, newest first (the admin catalog editor): withdrawn ones too unless `activeOnly`. */
  listAll(limit: number, page: { before?: Types.ObjectId; activeOnly?: boolean } = {}): Promise<Reward[]> {
    const filter: Record<string, unknown> = {};
    if (page.activeOnly) filter.active = true;
    if (page.before) filter._id = olderThan(page.before);
    return this.rewards.find(filter, { applied: 0 }).sort({ _id: -1 }).limit(limit).lean<Reward[]>().exec();
  }

  /**
   * Takes one unit of stock for a redemption, only while one is left, once per `token`. Takes
   * that arrive while this process is writing the same reward wait and go together as one
   * conditional update (`stock >= n`, every token absent): on FerretDB each update of the hot
   * document holds its lease for a few round trips, so one per request would cap a sale at a few
   * dozen redemptions a second. A batch that does not fit (too little stock, a replayed token)
   * falls back to one update per token, so the answer for each is exact.
   */
  takeStock(rewardId: Types.ObjectId, token: string): Promise<TakeResult> {
    const key = rewardId.toHexString();
    return new Promise<TakeResult>((done, fail) => {
      const waiting = this.stockQueues.get(key);
      if (waiting) return void waiting.push({ token, done, fail });
      this.stockQueues.set(key, [{ token, done, fail }]);
      void this.drainStock(rewardId);
    });
  }

  private async drainStock(rewardId: Types.ObjectId): Promise<void> {
    const key = rewardId.toHexString();
    for (;;) {
      const batch = (this.stockQueues.get(key) ?? []).splice(0, MAX_STOCK_BATCH);
      if (!batch.length) {
        this.stockQueues.delete(key);
        return;
      }
      try {
        const results = await this.takeUnits(
          rewardId,
          batch.map((item) => item.token),
        );
        batch.forEach((item, index) => item.done(results[index]));
      } catch (error) {
        batch.forEach((item) => item.fail(error));
      }
    }
  }

  private async takeUnits(rewardId: Types.ObjectId, tokens: string[]): Promise<TakeResult[]> {
    const distinct = [...new Set(tokens)];
    if (distinct.length > 1) {
      const all = await this.atomic.updateOne(
        this.rewards,
        {
          _id: rewardId,
          stock: trusted({ $gte: distinct.length }),
          ...(Object.assign({}, ...distinct.map((token) => notYetApplied(token))) as Record<string, unknown>),
        },
        this.guarded(rewardId, distinct, { $inc: { stock: -distinct.length } }),
      );
      if (all.changed) return tokens.map(() => 'taken');
    }
    const results = new Map<string, TakeResult>();
    for (const token of distinct) results.set(token, await this.takeUnit(rewardId, token));
    return tokens.map((token) => results.get(token)!);
  }

  private async takeUnit(rewardId: Types.ObjectId, token: string): Promise<TakeResult> {
    const result = await this.atomic.updateOne(
      this.rewards,
      { _id: rewardId, stock: trusted({ $gte: 1 }), ...notYetApplied(token) },
      this.guarded(rewardId, [token], { $inc: { stock: -1 } }),
    );
    if (result.changed || appliedValue(result.doc, token) !== undefined) return 'taken';
    return result.doc && result.doc.stock === null ? 'taken' : 'out';
  }

  /** Gives back the unit `token` took (undoing a redemption that did not complete); once. */
  async returnStock(rewardId: Types.ObjectId, token: string): Promise<boolean> {
    const numeric = await this.atomic.updateOne(
      this.rewards,
      { _id: rewardId, stock: trusted({ $ne: null }), ...alreadyApplied(token) },
      { $inc: { stock: 1 }, $unset: { [guardKey(token)]: '' } },
    );
    if (numeric.changed) return true;
    // Made unlimited meanwhile: only the guard goes.
    const unlimited = await this.atomic.updateOne(
      this.rewards,
      { _id: rewardId, stock: null, ...alreadyApplied(token) },
      { $unset: { [guardKey(token)]: '' } },
    );
    return unlimited.changed;
  }

  /** Restocks one unit for a rejected or cancelled redemption, once per `token` (its settle token). */
  async restock(rewardId: Types.ObjectId, token: string): Promise<void> {
    const numeric = await this.atomic.updateOne(
      this.rewards,
      { _id: rewardId, stock: trusted({ $ne: null }), ...notYetApplied(token) },
      this.guarded(rewardId, [token], { $inc: { stock: 1 } }),
    );
    if (numeric.changed) return;
    await this.atomic.updateOne(
      this.rewards,
      { _id: rewardId, stock: null, ...notYetApplied(token) },
      this.guarded(rewardId, [token], {}),
    );
  }

  /** One more held by the member, only while below `limit`, once per `token`. */
  async takeHolding(rewardId: Types.ObjectId, userId: Types.ObjectId, limit: number, token: string) {
    const id = holdingId(rewardId, userId);
    const result = await this.atomic.updateOne(
      this.holdings,
      { _id: id, count: trusted({ $lt: limit }), ...notYetApplied(token) },
      guardedIncrement(token, true, 1, 'count'),
      { upsert: true },
    );
    return result.changed || appliedValue(result.doc, token) !== undefined ? 'taken' : 'out';
  }

  /** Undoes `token`'s take (a redemption that did not complete). */
  async returnHolding(rewardId: Types.ObjectId, userId: Types.ObjectId, token: string): Promise<void> {
    await this.atomic.updateOne(
      this.holdings,
      { _id: holdingId(rewardId, userId), ...alreadyApplied(token) },
      { $inc: { count: -1 }, $unset: { [guardKey(token)]: '' } },
    );
  }

  /** One fewer held (a rejected or cancelled redemption), once per `token`. */
  async releaseHolding(rewardId: Types.ObjectId, userId: Types.ObjectId, token: string): Promise<void> {
    await this.atomic.updateOne(
      this.holdings,
      { _id: holdingId(rewardId, userId), count: trusted({ $gte: 1 }), ...notYetApplied(token) },
      guardedIncrement(token, true, -1, 'count'),
    );
  }

  async holding(rewardId: Types.ObjectId, userId: Types.ObjectId): Promise<number> {
    const row = await this.holdings
      .findById(holdingId(rewardId, userId), { count: 1 })
      .lean<Pick<RewardHolding, 'count'>>()
      .exec();
    return row?.count ?? 0;
  }

  /** The redemption that used `token` here is finished: its guard goes with the reward's next update. */
  closeGuard(rewardId: Types.ObjectId, token: string): void {
    const list = this.finished.get(rewardId.toHexString()) ?? [];
    if (list.length < MAX_FINISHED) list.push(guardKey(token));
    this.finished.set(rewardId.toHexString(), list);
  }

  /** A guarded update of a reward: the tokens set, stale guards and finished ones dropped. */
  private guarded(rewardId: Types.ObjectId, tokens: string[], update: Record<string, unknown>) {
    const guards = tokens.map((token) => markApplied(token, true));
    const set = Object.assign({}, ...guards.map((guard) => guard.set)) as Record<string, unknown>;
    const unset = guards[0].unset;
    const own = new Set(tokens.map((token) => guardKey(token)));
    const finished = this.finished.get(rewardId.toHexString()) ?? [];
    this.finished.delete(rewardId.toHexString());
    // A path inside a slot that goes whole (past the retention) is dropped with it.
    const slotsGoing = Object.keys(unset);
    const drop = finished.filter((path) => !own.has(path) && !slotsGoing.some((slot) => path.startsWith(`${slot}.`)));
    return { ...update, $set: set, $unset: { ...unset, ...Object.fromEntries(drop.map((path) => [path, ''])) } };
  }
}
