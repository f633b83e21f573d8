import { api, done, unwrap, type Schemas } from './client';

export type Notification = Schemas['NotificationDto'];

/** My inbox, newest first, a page at a time, with the unread count of the whole inbox. */
export const myNotifications = (query: { limit?: number; cursor?: string } = {}) =>
  unwrap(api.GET('/api/me/notifications', { params: { query } }));

/** Marks some notifications (or, without ids, all of mine) read. */
export const markNotificationsRead = (ids?: string[]) =>
  done(api.POST('/api/me/notifications/read', { body: ids ? { ids } : {} }));
