import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, Types } from 'mongoose';
import { ROLES, type Role } from '../../common/roles';

@Schema({ collection: 'users', timestamps: true })
export class User {
  _id: Types.ObjectId;

  /** Unique: login looks a user up by email. */
  @Prop({ required: true, unique: true, lowercase: true, trim: true })
  email: string;

  @Prop({ required: true })
  passwordHash: string;

  @Prop({ required: true, trim: true })
  displayName: string;

  @Prop({ type: [String], enum: ROLES, default: ['member'] })
  roles: Role[];

  @Prop({ type: Types.ObjectId, default: null })
  organizationId: Types.ObjectId | null;

  @Prop({ type: Types.ObjectId, default: null })
  teamId: Types.ObjectId | null;

  @Prop({ default: 'en' })
  locale: string;

  /** IANA zone chosen by the user; null means "whatever my device says". */
  @Prop({ type: String, default: null })
  timezone: string | null;

  @Prop({ default: true })
  leaderboardOptIn: boolean;

  /** The member's tier. Raised at once when qualifying points cross a threshold; lowered only by the tier review. */
  @Prop({ default: 'member' })
  tierKey: string;

  /** When qualifying points first fell below the current tier (the downgrade grace period runs from here). */
  @Prop({ type: Date, default: null })
  tierBelowSince: Date | null;

  /** The referral code this user registered with (referrals are credited by a later feature). */
  @Prop({ type: String, default: null })
  referredByCode: string | null;

  createdAt: Date;
  updatedAt: Date;
}

export type UserDocument = HydratedDocument<User>;
export const UserSchema = SchemaFactory.createForClass(User);
// Members of an organization, newest first (organization member list, cursor pagination).
UserSchema.index({ organizationId: 1, _id: -1 });
