import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * Derived from the ledger with atomic increments, keyed by the user's id so the hot read and
 * write are `_id` look-ups (the only filter FerretDB pushes down to SQLite).
 */
@Schema({ collection: 'wallets', timestamps: { createdAt: false, updatedAt: true } })
export class Wallet {
  /** The user's id. */
  _id: Types.ObjectId;

  /** Spendable points; never negative. */
  @Prop({ default: 0 }) balance: number;

  /** Every point ever credited (earned or granted), never reduced by spending. */
  @Prop({ default: 0 }) lifetime: number;

  /** Points that count towards the tier in the qualification window. */
  @Prop({ default: 0 }) qualifying: number;

  /** Points spent on rewards, refunds deducted, and the redemptions they paid for (see walletDelta). */
  @Prop({ default: 0 }) pointsRedeemed: number;
  @Prop({ default: 0 }) redemptions: number;

  // The member's engine statistics (what badge criteria look at) share this document, so that an
  // award is one update: FerretDB reads, re-encodes and rewrites the whole document for each
  // update, which costs it more CPU than an insert. Keys are activity types with `.` → `~`.
  @Prop({ type: Object, default: {} }) counts: Record<string, number>;
  @Prop({ type: Object, default: {} }) distinct: Record<string, number>;
  /** Badges held (key → earned at); bounded by the badges in content. */
  @Prop({ type: Object, default: {} }) badges: Record<string, Date>;
  /** ISO week (e.g. 2026-W47) of the latest activity, in the organization's zone. */
  @Prop({ type: String, default: null }) lastActiveWeek: string | null;
  /**
   * The ISO weeks with activity (week → 1), set idempotently by each award, so the streak of
   * consecutive active weeks is derived from it (see `activeWeekStreak()`), not kept as a counter
   * that a replayed award could move twice. About 52 keys a year.
   */
  @Prop({ type: Object, default: {} }) weeks: Record<string, number>;
  /** The streak as stored before `weeks` existed; read only for wallets without `weeks`. */
  @Prop({ default: 0 }) activeWeekStreak: number;
  /** Ledger entries applied to this wallet in the last days (see database/guards.ts). */
  @Prop({ type: Object, default: {} }) applied: Record<string, Record<string, unknown>>;

  updatedAt: Date;
}

/** The statistics part of a wallet document. */
export type MemberStats = Pick<
  Wallet,
  '_id' | 'counts' | 'distinct' | 'badges' | 'lastActiveWeek' | 'activeWeekStreak' | 'weeks'
> &
  Partial<Pick<Wallet, 'pointsRedeemed' | 'redemptions'>>;

/** Statistics to apply together with an award: counter increments and the active week. */
export interface MemberStatsUpdate {
  inc: Record<string, number>;
  week: string;
}

export const WalletSchema = SchemaFactory.createForClass(Wallet);
