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

  updatedAt: Date;
}

export const WalletSchema = SchemaFactory.createForClass(Wallet);
