import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

export const LEDGER_KINDS = ['earn', 'redeem', 'refund', 'adjust', 'expire'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

@Schema({ _id: false })
export class LedgerSource {
  @Prop({ required: true }) type: string;
  @Prop({ type: String, default: null }) id: string | null;
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

  createdAt: Date;
}

export const LedgerEntrySchema = SchemaFactory.createForClass(LedgerEntry);
// A member's statement, newest first (GET /me/ledger, cursor on _id).
LedgerEntrySchema.index({ userId: 1, _id: -1 });
