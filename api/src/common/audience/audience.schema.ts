import { Prop, Schema } from '@nestjs/mongoose';
import { Types } from 'mongoose';
import { ROLES, type Role } from '../roles';

/** The stored audience (see audience.ts). Each list empty: everyone. */
@Schema({ _id: false })
export class AudienceFields {
  @Prop({ type: [Types.ObjectId], default: [] }) organizationIds: Types.ObjectId[];
  @Prop({ type: [String], default: [] }) tiers: string[];
  @Prop({ type: [String], enum: ROLES, default: [] }) roles: Role[];
}
