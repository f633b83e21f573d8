import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const LEDGER_KINDS = ['earn', 'redeem', 'refund', 'adjust', 'expire'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

@Schema({ _id: false })
export class LedgerSource {
  @Prop({ required: true }) type: string;
  @Prop({ type: String, default: null }) id: string | null;
}

export type MetadataValue = string | number | boolean;

@Schema({ _id: false })
export class ActivityReporter {
  /** Who reported it: an external system's API key, a staff user, or a hub feature. */
  @Prop({ required: true, enum: ['api-key', 'user', 'feature'] }) kind: 'api-key' | 'user' | 'feature';
  @Prop({ type: String, default: null }) id: string | null;
}

/**
 * What a member did, as reported, on the entry it earned (every activity writes exactly one
 * entry, 0 points when a cap is full): its type and id are the entry's `source`, its own key the
 * entry's `idempotencyKey` after `activity:`.
 */
@Schema({ _id: false })
export class ActivityDetails {
  @Prop({ type: Number, default: null }) value: number | null;
  @Prop({ type: Object, default: {} }) metadata: Record<string, MetadataValue>;
  /** The reporter's own words, if any (the entry's `reason` is what the member reads). */
  @Prop({ type: String, default: null }) reason: string | null;
  @Prop({ type: ActivityReporter, required: true }) reportedBy: ActivityReporter;
}

/** Append-only: entries are inserted, never updated or deleted. The source of truth for points. */
@Schema({ collection: 'ledger', timestamps: { createdAt: true, updatedAt: false } })
export class LedgerEntry {
  _id: Types.ObjectId;

  @Prop({ type: Types.ObjectId, required: true })
  userId: Types.ObjectId;

  @Prop({ type: Types.ObjectId, default: null })
  organizationId: Types.ObjectId | null;

  /** Signed integer points: positive credits, negative debits. */
  @Prop({ required: true })
  amount: number;

  @Prop({ required: true, enum: LEDGER_KINDS })
  kind: LedgerKind;

  @Prop({ required: true })
  reason: string;

  @Prop({ type: LedgerSource, required: true })
  source: LedgerSource;

  /** When what it records happened (an activity may be reported late); drives expiry and tier windows. */
  @Prop({ required: true })
  occurredAt: Date;

  /** Unique: the same award or spend posted twice, however concurrently, is stored once. */
  @Prop({ required: true, unique: true })
  idempotencyKey: string;

  /** Set on an activity's entry: the activity itself (activities have no collection of their own). */
  @Prop({ type: ActivityDetails, required: false })
  activity?: ActivityDetails;

  createdAt: Date;
}

export const LedgerEntrySchema = SchemaFactory.createForClass(LedgerEntry);
// A member's statement, newest first (GET /me/ledger, cursor on _id).
LedgerEntrySchema.index({ userId: 1, _id: -1 });
