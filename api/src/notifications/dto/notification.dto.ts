import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional } from 'class-validator';
import { IsObjectIdString } from '../../common/validators';
import type { NotificationParams } from '../../realtime/server-events';
import type { Notification } from '../schemas/notification.schema';

export class NotificationDto {
  @ApiProperty() id: string;
  @ApiProperty({
    example: 'badge.earned',
    description: 'The kind; with `params` it lets a client render the text in the member’s language',
  })
  type: string;
  @ApiProperty({ description: 'English fallback' }) title: string;
  @ApiProperty({ description: 'English fallback' }) body: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    example: { key: 'first-steps', name: 'First steps', description: 'Complete your first lesson.' },
    description: 'Flat values for the message of this type (empty for notifications stored before params existed)',
  })
  params: NotificationParams;
  @ApiPropertyOptional({ example: '/badges', description: 'The client path this notification is about' })
  link?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'A "Did you know…" tip' }) tip: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt: string | null;
}

export const mapNotification = (n: Notification): NotificationDto => ({
  id: n._id.toHexString(),
  type: n.type,
  title: n.title,
  body: n.body,
  params: n.params ?? {},
  ...(n.link ? { link: n.link } : {}),
  tip: n.tip ?? null,
  createdAt: n.createdAt.toISOString(),
  readAt: n.readAt?.toISOString() ?? null,
});

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto] }) items: NotificationDto[];
  @ApiProperty({ description: 'Unread notifications in the whole inbox' }) unread: number;
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class MarkReadDto {
  @ApiPropertyOptional({ type: [String], description: 'Notification ids; omit to mark everything read' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsObjectIdString('ids must be notification ids', { each: true })
  ids?: string[];
}
