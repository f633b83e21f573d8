import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Types } from 'mongoose';

/**
 * A course certificate. `_id` is 144 random bits in base64url, never a database id: the verify
 * page is public and shows the holder's name, so ids must not be guessable or enumerable. What
 * the certificate says (holder, course, criteria) is kept as it was when it was issued.
 */
@Schema({ collection: 'certificates', versionKey: false })
export class Certificate {
  @Prop({ type: String }) _id: string;
  @Prop({ type: Types.ObjectId, required: true }) userId: Types.ObjectId;
  @Prop({ type: Types.ObjectId, default: null }) organizationId: Types.ObjectId | null;
  @Prop({ required: true }) courseSlug: string;
  @Prop({ required: true }) courseTitle: string;
  @Prop({ required: true }) courseSummary: string;
  /** What earning it took, in words (the credential's criteria). */
  @Prop({ required: true }) criteria: string;
  @Prop({ required: true }) holderName: string;
  /** `sha256$<hex>` of the holder's email and `salt`: the credential names its holder without revealing the address. */
  @Prop({ required: true }) emailHash: string;
  @Prop({ required: true }) salt: string;
  @Prop({ required: true }) issuedAt: Date;
  @Prop({ type: Date, default: null }) expiresAt: Date | null;
  @Prop({ type: Date, default: null }) revokedAt: Date | null;
  @Prop({ type: String, default: null }) revokedReason: string | null;
  @Prop({ type: Types.ObjectId, default: null }) revokedBy: Types.ObjectId | null;
  /** When the holder was told it expires soon (once). */
  @Prop({ type: Date, default: null }) remindedAt: Date | null;
}

export const CertificateSchema = SchemaFactory.createForClass(Certificate);
// One certificate per member and course, whatever the concurrency (beside the progress claim).
CertificateSchema.index({ userId: 1, courseSlug: 1 }, { unique: true });
// The staff list, newest first: every certificate, or one organization's.
CertificateSchema.index({ issuedAt: -1, _id: -1 });
CertificateSchema.index({ organizationId: 1, issuedAt: -1, _id: -1 });
// The expiry reminder sweep: certificates expiring within the next 30 days.
CertificateSchema.index({ expiresAt: 1 });
