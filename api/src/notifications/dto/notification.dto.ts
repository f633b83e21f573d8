import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional } from 'class-validator';
import { IsObjectIdString } from '../../common/validators';

export class NotificationDto {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'badge.earned' }) type: string;
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'A "Did you know…" tip' }) tip: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt: string | null;
}

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
