import type { NotificationPayload } from '$events';
import { markNotificationsRead, myNotifications } from '$lib/api/notifications';
import { notificationText, notificationTone } from '$lib/components/notifications/notification-text';
import { toasts } from './toasts.svelte';

/** The inbox's unread count for the header bell; the socket keeps it current. */
class NotificationsState {
  unread = $state(0);
  /** Increases when a notification arrives, so an open inbox can refetch. */
  revision = $state(0);

  async refresh(): Promise<void> {
    const page = await myNotifications({ limit: 1 }).catch(() => null);
    if (page) this.unread = page.unread;
  }

  /** A notification pushed over the socket: counted, and shown as a toast that opens its link. */
  received(notification: NotificationPayload): void {
    this.unread++;
    this.revision++;
    toasts.push(notificationText(notification).title, notificationTone(notification), {
      href: notification.link,
      onopen: () => void this.markRead([notification.id]),
    });
  }

  /** Marks some notifications (or, without ids, all) read; returns whether the API agreed. */
  async markRead(ids?: string[]): Promise<boolean> {
    try {
      await markNotificationsRead(ids);
    } catch {
      return false;
    }
    if (!ids) {
      this.unread = 0;
      return true;
    }
    this.unread = Math.max(0, this.unread - ids.length);
    void this.refresh(); // exact again, should some of them have been read already
    return true;
  }
}

export const notifications = new NotificationsState();
