import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * How many users hold the member role, per organization (`_id` = its id) and in the whole program
 * (`_id` = `program`): moved by the users repository when a user is created or its roles change,
 * read by `_id` (analytics), so a count never scans the users (FerretDB filters nothing else fast).
 * `recountMembers()` sets them from the users (after a crash between a user's insert and its count).
 */
@Schema({ collection: 'member_counts', versionKey: false })
export class MemberCount {
  @Prop({ type: String }) _id: string;
  @Prop({ default: 0 }) members: number;
}
export const MemberCountSchema = SchemaFactory.createForClass(MemberCount);
