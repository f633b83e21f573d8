/** The inbox, and the wording of the engine’s notification kinds (points, badges, tiers). */
export const notifications = {
  'notifications.title': 'Notifications',
  'notifications.unread': '{count} unread',
  'notifications.empty': 'No notifications yet. Earn points, badges and complete challenges to hear from us.',
  'notifications.markAll': 'Mark all read',
  'notifications.markedAll': 'All notifications are marked read.',
  'notifications.new': 'New',
  'notifications.more': 'Show more',
  'notifications.openHint': 'Open a notification to read it; opening marks it read.',
} as const;
