import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { AtomicWrites } from '../database/atomic-writes';
import { guardPath, markApplied, notYetApplied } from '../database/guards';
import { LATEST_TEXTS, type TallyPart } from './tallies';
import { Tally, type TallyKind } from './schemas/tally.schema';

/** Which tally document a part goes to (created on first use). */
export interface TallyTarget {
  id: string;
  campaignId: Types.ObjectId | null;
  kind: TallyKind;
  key: string | null;
}

interface Batch {
  target: TallyTarget;
  parts: TallyPart[];
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Parts merged into one write at most; more wait for the next one. */
const MAX_BATCH = 200;
/** Documents whose finished guards this process remembers for its next write to them. */
const MAX_RELEASED_DOCUMENTS = 10_000;
const NO_FIELDS = { applied: 0 } as const;

/**
 * The running tallies. Every increment is applied once per response token, whatever the
 * concurrency and however often a response is finished again after a crash: the token goes into
 * the document in the same conditional update as the `$inc` (see database/guards.ts), through
 * AtomicWrites, so it is one atomic update on MongoDB and on our FerretDB build, and a leased one on
 * any other FerretDB.
 *
 * Every response of a campaign moves the same few documents (the campaign's, its organization's,
 * its tier's, its week's), so writes to one document are merged: while one is being written, the
 * parts that arrive meanwhile wait and then go together in the next write (group commit). One
 * guarded update then carries many tokens; should any of them have been applied already (a replay
 * beside fresh responses), the write is refused as a whole and each part is applied on its own.
 */
@Injectable()
export class TalliesRepository {
  private readonly queues = new Map<string, Batch[]>();
  private readonly running = new Set<string>();
  private readonly released = new Map<string, string[]>();

  constructor(
    @InjectModel(Tally.name) private readonly tallies: Model<Tally>,
    private readonly atomic: AtomicWrites,
  ) {}

  /** Applies each part to its document once (per token); resolves when all are stored. */
  async apply(writes: Array<{ target: TallyTarget; part: TallyPart }>): Promise<void> {
    await Promise.all(writes.map(({ target, part }) => this.enqueue(target, part)));
  }

  /**
   * The response of `token` is complete and can no longer be replayed: its guards may go with
   * the next write of each document by this process (what this process never writes again, the
   * guards' retention drops).
   */
  release(ids: string[], token: string): void {
    for (const id of ids) {
      const paths = this.released.get(id) ?? [];
      paths.push(guardPath(token));
      this.released.delete(id);
      if (this.released.size >= MAX_RELEASED_DOCUMENTS) this.released.delete(this.released.keys().next().value!);
      this.released.set(id, paths);
    }
  }

  find(id: string): Promise<Tally | null> {
    return this.tallies.findById(id, NO_FIELDS).lean<Tally>().exec();
  }

  /** Several tallies by `_id`, one look-up each (FerretDB serves only a bare `_id` from its index). */
  async findMany(ids: string[]): Promise<Map<string, Tally>> {
    const rows = await Promise.all(ids.map((id) => this.find(id)));
    return new Map(rows.flatMap((row) => (row ? [[row._id, row] as const] : [])));
  }

  /**
   * A campaign's breakdowns and weeks: a few documents per organization, tier and week, however
   * many responses (its total is read by `_id`).
   */
  listForCampaign(campaignId: Types.ObjectId): Promise<Tally[]> {
    return this.tallies
      .find({ campaignId, kind: trusted({ $in: ['organization', 'tier', 'week'] }) }, NO_FIELDS)
      .limit(2000)
      .lean<Tally[]>()
      .exec();
  }

  private enqueue(target: TallyTarget, part: TallyPart): Promise<void> {
    const queue = this.queues.get(target.id) ?? [];
    this.queues.set(target.id, queue);
    let batch = queue[queue.length - 1];
    if (!batch || batch.parts.length >= MAX_BATCH) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const done = new Promise<void>((yes, no) => ((resolve = yes), (reject = no)));
      batch = { target, parts: [], done, resolve, reject };
      queue.push(batch);
    }
    batch.parts.push(part);
    if (!this.running.has(target.id)) void this.drain(target.id);
    return batch.done;
  }

  /** Writes a document's batches one after another; what arrives meanwhile joins the next. */
  private async drain(id: string): Promise<void> {
    this.running.add(id);
    try {
      for (let queue = this.queues.get(id); queue?.length; queue = this.queues.get(id)) {
        const batch = queue.shift()!;
        try {
          await this.write(batch.target, batch.parts);
          batch.resolve();
        } catch (error) {
          batch.reject(error);
        }
      }
    } finally {
      this.queues.delete(id);
      this.running.delete(id);
    }
  }

  private async write(target: TallyTarget, parts: TallyPart[]): Promise<void> {
    const released = this.released.get(target.id) ?? [];
    this.released.delete(target.id);
    const unappliedFilter: Record<string, unknown> & { _id: string } = Object.assign(
      { _id: target.id },
      ...parts.map((part) => notYetApplied(part.token)),
    ) as Record<string, unknown> & { _id: string };
    const all = await this.atomic.updateOne(
      this.tallies,
      unappliedFilter,
      (current) => this.update(target, parts, current, released),
      { upsert: true },
    );
    if (all.changed) return;
    // Not written: the released guards wait for the next write.
    if (released.length) this.released.set(target.id, [...released, ...(this.released.get(target.id) ?? [])]);
    // Some token was applied already (this is a replay): each part on its own, each guarded.
    if (parts.length === 1) return;
    for (const part of parts) {
      await this.atomic.updateOne(
        this.tallies,
        { _id: target.id, ...notYetApplied(part.token) },
        (current) => this.update(target, [part], current, []),
        { upsert: true },
      );
    }
  }

  /**
   * The merged update: the increments, each token's guard (and the guard slots past their
   * retention dropped), the released guards, the latest texts. `current` is the document as read
   * under the lease on a FerretDB that ignores `$slice` (null on MongoDB and on our build, where `$push`
   * with `$slice` keeps the texts).
   */
  private update(target: TallyTarget, parts: TallyPart[], current: Tally | null, released: string[]) {
    const $inc: Record<string, number> = {};
    const $set: Record<string, unknown> = {};
    let $unset: Record<string, ''> = {};
    const ownSlots = new Set<string>();
    for (const part of parts) {
      for (const [path, by] of Object.entries(part.inc)) $inc[path] = ($inc[path] ?? 0) + by;
      const guard = markApplied(part.token, true, current);
      Object.assign($set, guard.set);
      Object.assign($unset, guard.unset);
      ownSlots.add(guardPath(part.token).split('.').slice(0, 2).join('.'));
    }
    $unset = Object.fromEntries(Object.entries($unset).filter(([slot]) => !ownSlots.has(slot)));
    for (const path of released) {
      const slot = path.split('.').slice(0, 2).join('.');
      if (!(slot in $unset) && !(path in $set)) $unset[path] = '';
    }
    const texts = new Map<string, string[]>();
    for (const part of parts) {
      for (const [question, text] of Object.entries(part.texts))
        texts.set(question, [...(texts.get(question) ?? []), text]);
    }
    const $push: Record<string, unknown> = {};
    for (const [question, added] of texts) {
      const path = `q.${question}.latest`;
      if (current) $set[path] = [...(current.q?.[question]?.latest ?? []), ...added].slice(-LATEST_TEXTS);
      else $push[path] = { $each: added, $slice: -LATEST_TEXTS };
    }
    const update: Record<string, unknown> = {
      $inc,
      $set,
      $setOnInsert: { campaignId: target.campaignId, kind: target.kind, key: target.key },
    };
    if (Object.keys($unset).length) update.$unset = $unset;
    if (Object.keys($push).length) update.$push = $push;
    return update;
  }
}

/** `_id`s of a campaign's tallies. */
export const tallyIds = {
  total: (campaignId: string) => campaignId,
  organization: (campaignId: string, organizationId: string) => `${campaignId}|organization|${organizationId}`,
  tier: (campaignId: string, tierKey: string) => `${campaignId}|tier|${tierKey}`,
  week: (campaignId: string, week: string) => `${campaignId}|week|${week}`,
  programWeek: (week: string) => `program|week|${week}`,
};
