import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import { TtlCache } from '../common/ttl-cache';
import { AtomicWrites } from '../database/atomic-writes';
import { appliedValue, guardPath, markApplied } from '../database/guards';
import { insertDay, type HistogramChange } from './rollups';
import { AnalyticsMember, AnalyticsRollup } from './schemas/analytics.schema';

export interface ActiveDayChanges {
  organization: HistogramChange[];
  program: HistogramChange[];
}

const NO_CHANGES: ActiveDayChanges = { organization: [], program: [] };
/** Concurrent writers of one member's days retry on a version conflict; this many times at most. */
const MAX_ATTEMPTS = 50;

/** The only file touching the analytics collections' documents by query (the writer applies increments). */
@Injectable()
export class AnalyticsRepository {
  constructor(
    @InjectModel(AnalyticsRollup.name) private readonly rollups: Model<AnalyticsRollup>,
    @InjectModel(AnalyticsMember.name) private readonly members: Model<AnalyticsMember>,
    private readonly atomic: AtomicWrites,
  ) {}

  /** Per member, the latest (organization day, program day) known to be in its document (a day's worth). */
  private readonly knownDays = new TtlCache<string, string>(24 * 3600_000, 100_000);

  /**
   * Adds an active day (organization zone, program zone) to a member once per fact `token`, and
   * returns the histogram changes it decided. The changes are stored with the token (the guard's
   * value, in the same update as the days), so a replay of the fact gets the same changes back,
   * and a second fact of the same day gets none. A conditional update on the version read makes
   * concurrent facts of one member take turns (on MongoDB and FerretDB alike).
   *
   * A member's days are only ever added to, so once this process has seen (or written) both days
   * in the document, a later fact of those days changes nothing and needs no read. A `replay` of a
   * fact always reads: it must get back what the fact itself decided.
   */
  async addActiveDays(
    userId: string,
    organizationId: string | null,
    token: string,
    day: string | null,
    programDay: string,
    replay: boolean,
  ): Promise<ActiveDayChanges> {
    const daysKey = `${day}|${programDay}`;
    if (!replay && this.knownDays.get(userId) === daysKey) return NO_CHANGES;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.members.findById(userId).lean<AnalyticsMember>().exec();
      const stored = appliedValue(current, token);
      if (typeof stored === 'string') return JSON.parse(stored) as ActiveDayChanges;
      const own = day ? insertDay(current?.days ?? [], day) : null;
      const program = insertDay(current?.pdays ?? [], programDay);
      if (!own && !program) {
        this.knownDays.set(userId, daysKey);
        return NO_CHANGES;
      }
      const changes: ActiveDayChanges = { organization: own?.changes ?? [], program: program?.changes ?? [] };
      const { unset } = markApplied(token, true, current ?? { applied: {} });
      const { changed } = await this.atomic.updateOne(
        this.members,
        { _id: userId, v: current?.v ?? trusted({ $exists: false }) },
        {
          $set: {
            organizationId,
            ...(own ? { days: own.days } : {}),
            ...(program ? { pdays: program.days } : {}),
            [guardPath(token)]: JSON.stringify(changes),
          },
          $inc: { v: 1 },
          ...(Object.keys(unset).length ? { $unset: unset } : {}),
        },
        { upsert: !current },
      );
      if (changed) {
        this.knownDays.set(userId, daysKey);
        return changes;
      }
    }
    throw new Error(`Could not record the active day of ${userId}: too many concurrent writers`);
  }

  /** Rollup documents by `_id`, one look-up each (FerretDB scans for `$in`); missing ones absent. */
  async rollupsById(ids: string[]): Promise<Map<string, AnalyticsRollup>> {
    const found = await Promise.all(ids.map((id) => this.rollups.findById(id).lean<AnalyticsRollup>().exec()));
    return new Map(found.flatMap((doc) => (doc ? [[doc._id, doc] as const] : [])));
  }

  membersById(ids: string[]): Promise<Array<AnalyticsMember | null>> {
    return Promise.all(ids.map((id) => this.members.findById(id).lean<AnalyticsMember>().exec()));
  }

  /** Replaces every member document (the rebuild). */
  async replaceMembers(documents: AnalyticsMember[]): Promise<void> {
    await this.members.deleteMany({}).exec();
    for (let i = 0; i < documents.length; i += 500) {
      await this.members.insertMany(documents.slice(i, i + 500), { ordered: false, lean: true });
    }
  }
}
