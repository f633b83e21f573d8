import { api } from '$lib/api/client';

/** The inbox's unread count for the header bell; the socket keeps it current. */
class NotificationsState {
  unread = $state(0);
  /** Increases when a notification arrives, so an open inbox can refetch. */
  revision = $state(0);

  async refresh(): Promise<void> {
    const { data } = await api.GET('/api/me/notifications', { params: { query: { limit: 1 } } });
    if (data) this.unread = data.unread;
  }

  received(): void {
    this.unread++;
    this.revision++;
  }

  /** Marks some notifications (or, without ids, all) read; returns whether the API agreed. */
  async markRead(ids?: string[]): Promise<boolean> {
    const { response } = await api.POST('/api/me/notifications/read', { body: ids ? { ids } : {} });
    if (!response.ok) return false;
    this.unread = ids ? Math.max(0, this.unread - ids.length) : 0;
    return true;
  }
}

export const notifications = new NotificationsState();
