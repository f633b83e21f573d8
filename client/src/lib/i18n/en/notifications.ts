/** The inbox, and the wording of the engine’s notification kinds (points, badges, tiers). */
export const notifications = {
  'notifications.title': 'Notifications',
  'notifications.unread': '{count} unread',
  'notifications.empty': 'No notifications yet. Earn points, badges and complete challenges to hear from us.',
  'notifications.markAll': 'Mark all read',
  'notifications.markedAll': 'All notifications are marked read.',
  'notifications.new': 'New',
  'notifications.openHint': 'Open a notification to see what it is about; opening marks it read.',
  'notifications.markRead': 'Mark read',

  // The engine's notification kinds (see NotificationKinds in api/src/realtime/server-events.ts):
  // `notification.<type>[.<variant>].title|body`, filled with the notification's params.
  'notification.points.awarded.title': '+{amount} points: {reason}',
  'notification.badge.earned.title': 'You earned a badge: {name}',
  'notification.badge.earned.body': '{description}',
  'notification.tier.changed.title': 'Your tier is now {tier}',
  'notification.tier.changed.up.title': 'Welcome to {tier}!',
  'notification.tier.changed.up.body': 'You are now {tier}. Your new benefits are on your dashboard.',
  'notification.tier.changed.down.title': 'Tier review: {tier}',
  'notification.tier.changed.down.body':
    'Your tier is now {tier}: your qualifying points of the last {months} months are below your former tier.',
} as const;
