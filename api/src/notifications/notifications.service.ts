import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { toObjectId, toPage } from '../common/pagination';
import type { NotificationMessage, NotificationType } from '../realtime/server-events';
import { mapNotification, type NotificationDto, type NotificationPageDto } from './dto/notification.dto';
import { NotificationsRepository } from './notifications.repository';

@Injectable()
export class NotificationsService {
  constructor(private readonly repository: NotificationsRepository) {}

  /** Stores a notification of a known kind (see `NotificationKinds`); the notifier is the only caller. */
  async create<T extends NotificationType>(
    userId: string,
    { type, params, link, title, body }: NotificationMessage<T>,
    tip: string | null,
  ): Promise<NotificationDto> {
    const stored = await this.repository.create({
      userId: new Types.ObjectId(userId),
      type,
      params,
      ...(link ? { link } : {}),
      title,
      body,
      tip,
    });
    return mapNotification(stored);
  }

  async inbox(userId: string, limit: number, cursor?: string): Promise<NotificationPageDto> {
    const id = new Types.ObjectId(userId);
    const [rows, unread] = await Promise.all([
      this.repository.list(id, limit + 1, cursor ? toObjectId(cursor, 'cursor') : undefined),
      this.repository.countUnread(id),
    ]);
    return { ...toPage(rows, limit, mapNotification), unread };
  }

  markRead(userId: string, ids?: string[]): Promise<void> {
    return this.repository.markRead(
      new Types.ObjectId(userId),
      ids?.map((id) => new Types.ObjectId(id)),
    );
  }
}
