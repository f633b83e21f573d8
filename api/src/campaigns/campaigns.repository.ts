import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { audienceFilter, type AudienceMember } from '../common/audience/audience';
import { insertOnce } from '../common/database-errors';
import { afterKeyset, type Keyset, olderThan } from '../common/pagination';
import { AtomicWrites } from '../database/atomic-writes';
import { CommandGroups, GroupedInserts } from '../database/command-groups';
import { Campaign } from './schemas/campaign.schema';
import {
  CampaignResponse,
  Participant,
  PendingResponse,
  ReminderMark,
  type ResponsePlan,
} from './schemas/response.schema';

export type NewCampaign = Omit<Campaign, '_id' | 'createdAt' | 'updatedAt' | 'version' | 'locked' | 'remindersSentAt'>;
export type CampaignChanges = Partial<Omit<NewCampaign, 'createdBy'>>;

/** The marker's (and the in-flight response's) `_id`: one per campaign and member. */
export const participantId = (campaignId: string, userId: string) => `${campaignId}:${userId}`;

/**
 * An anonymous response's `_id`: the day's timestamp and random bytes, so neither the id nor the
 * order of ids tells when within the day (or after which participation) it was stored.
 */
export function anonymousResponseId(day: Date): Types.ObjectId {
  const bytes = randomBytes(12);
  bytes.writeUInt32BE(Math.floor(day.getTime() / 1000), 0);
  return new Types.ObjectId(bytes);
}

/** The only place that touches campaigns, their responses, participation markers and reminder marks. */
@Injectable()
export class CampaignsRepository {
  constructor(
    @InjectModel(Campaign.name) private readonly campaigns: Model<Campaign>,
    @InjectModel(CampaignResponse.name) private readonly responses: Model<CampaignResponse>,
    @InjectModel(Participant.name) private readonly participants: Model<Participant>,
    @InjectModel(PendingResponse.name) private readonly pending: Model<PendingResponse>,
    @InjectModel(ReminderMark.name) private readonly reminders: Model<ReminderMark>,
    private readonly atomic: AtomicWrites,
  ) {
    // Every response inserts into these three: concurrent responses share each insert command.
    this.newPending = new GroupedInserts(pending);
    this.newParticipants = new GroupedInserts(participants);
    this.newResponses = new GroupedInserts(responses);
  }

  private readonly newPending: GroupedInserts<PendingResponse>;
  private readonly newParticipants: GroupedInserts<Participant>;
  private readonly newResponses: GroupedInserts<CampaignResponse>;
  /**
   * In-flight records being closed: one conditional delete statement each, sent together as one
   * `delete` command. Each statement names its `_id`, so FerretDB finds it through the index (one
   * filter of `$or` or `$in` would scan the collection).
   */
  private readonly closes = new CommandGroups<{ id: string; owner: string }, boolean>(async (closes) => {
    const reply = (await this.pending.db.db!.command({
      delete: this.pending.collection.collectionName,
      deletes: closes.map(({ id, owner }) => ({ q: { _id: id, owner }, limit: 1 })),
      ordered: false,
    })) as { n?: number };
    // All gone by this command: each was its caller's to remove. Fewer: some had been taken over
    // (or closed) by someone else meanwhile, and the count does not say which, so none is claimed.
    return closes.map(() => reply.n === closes.length);
  });

  async create(campaign: NewCampaign): Promise<Campaign> {
    return (await this.campaigns.create(campaign)).toObject();
  }

  find(id: Types.ObjectId): Promise<Campaign | null> {
    return this.campaigns.findById(id).lean<Campaign>().exec();
  }

  /**
   * Edits a campaign only while no response has locked it and nobody else edited it since
   * `version` was read: null otherwise (the caller reads it again to say why).
   */
  async update(id: Types.ObjectId, version: number, changes: CampaignChanges): Promise<Campaign | null> {
    const result = await this.atomic.updateOne(
      this.campaigns,
      { _id: id, locked: false, version },
      { $set: changes, $inc: { version: 1 } },
      { returnDocument: 'after' },
    );
    return result.changed ? result.doc : null;
  }

  /**
   * Locks the campaign against edits at `version` (the one a response's answers were checked
   * against): true when it is locked at that version now, false when it was edited meanwhile.
   */
  async lock(id: Types.ObjectId, version: number): Promise<boolean> {
    const result = await this.atomic.updateOne(this.campaigns, { _id: id, version }, { $set: { locked: true } });
    return result.changed;
  }

  /** Ends a campaign now, answered or not (the demo loader, once its history is in). */
  async closeNow(id: Types.ObjectId, at: Date): Promise<void> {
    await this.atomic.updateOne(this.campaigns, { _id: id }, { $set: { closesAt: at }, $inc: { version: 1 } });
  }

  /** A page of every campaign, newest first (the product console): `limit` rows older than `before`. */
  listAll(limit: number, before?: Types.ObjectId): Promise<Campaign[]> {
    return this.campaigns
      .find(before ? { _id: olderThan(before) } : {})
      .sort({ _id: -1 })
      .limit(limit)
      .lean<Campaign[]>()
      .exec();
  }

  /**
   * A page of the campaigns open at `at` and aimed at `member`, closing soonest first: the audience
   * is part of the query (so a page is never emptied by a filter after the read), and `after` is
   * where the previous page ended in (closesAt, _id) order.
   */
  listOpenFor(member: AudienceMember, at: Date, limit: number, after?: Keyset): Promise<Campaign[]> {
    const and: Record<string, unknown>[] = [
      { opensAt: trusted({ $lte: at }), closesAt: trusted({ $gt: at }) },
      audienceFilter(member),
    ];
    if (after) and.push(afterKeyset('closesAt', after, (millis) => new Date(millis)));
    return this.campaigns.find({ $and: and }).sort({ closesAt: 1, _id: 1 }).limit(limit).lean<Campaign[]>().exec();
  }

  /** Open campaigns closing within `window` ms of `at` whose reminders have not all gone out. */
  listDueForReminders(at: Date, window: number): Promise<Campaign[]> {
    return this.campaigns
      .find({
        opensAt: trusted({ $lte: at }),
        closesAt: trusted({ $gt: at, $lte: new Date(at.getTime() + window) }),
        remindersSentAt: null,
      })
      .limit(100)
      .lean<Campaign[]>()
      .exec();
  }

  async markRemindersSent(id: Types.ObjectId, at: Date): Promise<void> {
    await this.atomic.updateOne(this.campaigns, { _id: id }, { $set: { remindersSentAt: at } });
  }

  /** Claims one member's reminder for a campaign before it is sent: true once, ever. */
  claimReminder(campaignId: string, userId: string, at: Date): Promise<boolean> {
    return insertOnce(() => this.reminders.create({ _id: `reminder:${campaignId}:${userId}:48h`, at }));
  }

  /** Which of these campaigns the member has answered (one `_id` look-up each). */
  async answered(campaignIds: string[], userId: string): Promise<Set<string>> {
    const found = await Promise.all(
      campaignIds.map((id) => this.participants.exists({ _id: participantId(id, userId) }).exec()),
    );
    return new Set(campaignIds.filter((_, index) => found[index] !== null));
  }

  /**
   * Opens a member's only response to a campaign, whatever the concurrency: the in-flight record
   * (the plan, for a replay after a crash) is inserted first, then the participation marker; both
   * have `_id` campaign:member, so of any number of attempts at most one gets both. False when the
   * member answered already or a response of theirs is in flight.
   */
  async openResponse(plan: ResponsePlan): Promise<boolean> {
    const id = participantId(plan.campaignId, plan.userId);
    const opened = await this.newPending.insert({ _id: id, plan, owner: plan.token, openedAt: new Date() });
    if (!opened) return false;
    if (await this.claimParticipation(plan)) return true;
    await this.closeResponse(plan, plan.token);
    return false;
  }

  /** Inserts the marker; true when it is this plan's (now, or by an earlier run of the same plan). */
  async claimParticipation(plan: ResponsePlan): Promise<boolean> {
    const id = participantId(plan.campaignId, plan.userId);
    const marker: Participant = {
      _id: id,
      campaignId: new Types.ObjectId(plan.campaignId),
      userId: new Types.ObjectId(plan.userId),
      token: plan.token,
    };
    if (await this.newParticipants.insert(marker)) return true;
    return (await this.participants.findById(id).lean<Participant>().exec())?.token === plan.token;
  }

  /** Stores the answers once (a replay finds them there). */
  async storeAnswers(plan: ResponsePlan): Promise<void> {
    const answers: CampaignResponse = {
      _id: new Types.ObjectId(plan.responseId),
      campaignId: new Types.ObjectId(plan.campaignId),
      answers: plan.answers,
      submittedAt: new Date(plan.submittedAt),
    };
    if (!plan.anonymous) {
      Object.assign(answers, {
        userId: new Types.ObjectId(plan.userId),
        organizationId: plan.organizationId ? new Types.ObjectId(plan.organizationId) : null,
        tierKey: plan.tierKey,
      });
    }
    await this.newResponses.insert(answers);
  }

  /**
   * Ends the in-flight record if `owner` still holds it: true when this call certainly removed it
   * (false: someone else holds or removed it, or that cannot be told).
   */
  closeResponse(plan: Pick<ResponsePlan, 'campaignId' | 'userId'>, owner: string): Promise<boolean> {
    const id = participantId(plan.campaignId, plan.userId);
    // One conditional delete: atomic on MongoDB and our FerretDB build, so concurrent closes share
    // a command. A stock FerretDB's lease keeps a take-over from landing between its read and its
    // delete: there each goes alone, under its lease.
    if (!this.atomic.usesLeases) return this.closes.submit({ id, owner });
    return this.atomic.run(this.pending, id, async () => {
      const { deletedCount } = await this.pending.deleteOne({ _id: id, owner }).exec();
      return deletedCount === 1;
    });
  }

  /** Responses in flight since before `before`, oldest first (the sweep finishes them). */
  inFlightSince(before: Date, limit: number): Promise<PendingResponse[]> {
    return this.pending
      .find({ openedAt: trusted({ $lt: before }) })
      .sort({ openedAt: 1 })
      .limit(limit)
      .lean<PendingResponse[]>()
      .exec();
  }

  /** Takes an in-flight response over from its owner (who died or stalled); false when someone else did. */
  async takeOver(id: string, from: string, to: string): Promise<boolean> {
    return (await this.atomic.updateOne(this.pending, { _id: id, owner: from }, { $set: { owner: to } })).changed;
  }

  /** A campaign's responses in `_id` order as a stream (the CSV export; memory stays flat). */
  responseCursor(campaignId: Types.ObjectId) {
    return this.responses.find({ campaignId }).sort({ _id: 1 }).lean<CampaignResponse>().cursor({ batchSize: 500 });
  }

  /** A page of one text question's answers, newest first. */
  textAnswers(
    campaignId: Types.ObjectId,
    questionId: string,
    limit: number,
    cursor?: Types.ObjectId,
  ): Promise<CampaignResponse[]> {
    const filter: Record<string, unknown> = { campaignId, [`answers.${questionId}`]: trusted({ $exists: true }) };
    if (cursor) filter._id = olderThan(cursor);
    return this.responses.find(filter).sort({ _id: -1 }).limit(limit).lean<CampaignResponse[]>().exec();
  }
}
