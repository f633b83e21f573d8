import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { toObjectId, toPage } from '../common/pagination';
import type { NotificationDto, NotificationPageDto } from './dto/notification.dto';
import { NewNotification, NotificationsRepository } from './notifications.repository';
import type { Notification } from './schemas/notification.schema';

export const toNotificationDto = (n: Notification): NotificationDto => ({
  id: n._id.toHexString(),
  type: n.type,
  title: n.title,
  body: n.body,
  tip: n.tip,
  createdAt: n.createdAt.toISOString(),
  readAt: n.readAt?.toISOString() ?? null,
});

@Injectable()
export class NotificationsService {
  constructor(private readonly repository: NotificationsRepository) {}

  async create(notification: NewNotification): Promise<NotificationDto> {
    return toNotificationDto(await this.repository.create(notification));
  }

  async inbox(userId: string, limit: number, cursor?: string): Promise<NotificationPageDto> {
    const id = new Types.ObjectId(userId);
    const [rows, unread] = await Promise.all([
      this.repository.list(id, limit + 1, cursor ? toObjectId(cursor, 'cursor') : undefined),
      this.repository.countUnread(id),
    ]);
    return { ...toPage(rows, limit, toNotificationDto), unread };
  }

  markRead(userId: string, ids?: string[]): Promise<void> {
    return this.repository.markRead(
      new Types.ObjectId(userId),
      ids?.map((id) => new Types.ObjectId(id)),
    );
  }
}
