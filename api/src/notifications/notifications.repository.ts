import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted, Types } from 'mongoose';
import { olderThan } from '../common/pagination';
import { Notification } from './schemas/notification.schema';

export type NewNotification = Pick<Notification, 'userId' | 'type' | 'title' | 'body' | 'params' | 'link' | 'tip'>;

@Injectable()
export class NotificationsRepository {
  constructor(@InjectModel(Notification.name) private readonly notifications: Model<Notification>) {}

  async create(notification: NewNotification): Promise<Notification> {
    return (await this.notifications.create(notification)).toObject();
  }

  list(userId: Types.ObjectId, limit: number, before?: Types.ObjectId): Promise<Notification[]> {
    const filter = before ? { userId, _id: olderThan(before) } : { userId };
    return this.notifications.find(filter).sort({ _id: -1 }).limit(limit).lean<Notification[]>().exec();
  }

  countUnread(userId: Types.ObjectId): Promise<number> {
    return this.notifications.countDocuments({ userId, readAt: null }).exec();
  }

  /** Marks the member's own notifications read; ids of other members' notifications match nothing. */
  async markRead(userId: Types.ObjectId, ids?: Types.ObjectId[]): Promise<void> {
    const filter: Record<string, unknown> = { userId, readAt: null };
    if (ids) filter._id = trusted({ $in: ids });
    await this.notifications.updateMany(filter, { $set: { readAt: new Date() } }).exec();
  }
}
