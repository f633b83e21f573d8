/**
 * The socket.io contract, server → client and client → server. The client imports this file
 * (types only), so a renamed event or field breaks its build, not a user's session.
 */

/** A notification's params: flat, so that any client can fill a message template with them. */
export type NotificationParams = Record<string, string | number>;

/**
 * Every kind of member notification, and the params its wording needs. The client renders a
 * notification from its localization catalog: `notification.<type>.title` and `.body` (tried first
 * as `notification.<type>.<variant>.…` when the params carry a `variant`), filled with the params.
 * The English `title` and `body` sent along are the fallback for API clients and for catalogs that
 * lack the type. Param values that are program content (badge, tier and challenge names, a
 * manager's comment) are passed as they are.
 *
 * A new kind (events, campaigns, rewards, learn …) is three small additions:
 *  1. an entry here, e.g. `'event.promoted': { eventId: string; title: string }`;
 *  2. a handler in `realtime/notifier.ts` that calls
 *     `this.notify(userId, { type: 'event.promoted', params, link: '/events/' + id, title, body })`;
 *  3. the wording, `notification.event.promoted.title` and `.body`, in the domain's client catalog
 *     file (the client's build fails while a kind listed here has no title there).
 */
export interface NotificationKinds {
  /** Pushed with every award (`points.awarded`, the toast); not stored in the inbox. */
  'points.awarded': { amount: number; reason: string; activityType: string };
  'badge.earned': { key: string; name: string; description: string };
  /** `tier` is the new tier's name; `benefits` its benefits joined by "; "; `months` the qualification window. */
  'tier.changed': { variant: 'up' | 'down'; from: string; to: string; tier: string; benefits: string; months: number };
  'challenge.completed': { variant?: 'noPoints'; challengeId: string; title: string; points: number };
  'submission.rejected': { variant?: 'noComment'; challengeId: string; title: string; comment: string };
  /** `closesAt` ISO; `points` the incentive (variant `noPoints` when 0). */
  'campaign.reminder': { variant?: 'noPoints'; campaignId: string; title: string; closesAt: string; points: number };
  // Rewards and referrals. `note` is the admin's note ('' when none); a code is never in params.
  'redemption.fulfilled': { variant?: 'code' | 'note'; redemptionId: string; reward: string; note: string };
  'redemption.rejected': { variant?: 'noNote'; redemptionId: string; reward: string; cost: number; note: string };
  'redemption.cancelled': { redemptionId: string; reward: string; cost: number };
  'referral.converted': { name: string; points: number };
  // Club events and webinars: `when` is the start in the event's own zone, in English
  // ("Mon 9 Mar, 09:00 New York time"); `startsAt` (ISO) and `timezone` let a client say it its own way.
  'event.promoted': { eventId: string; title: string; when: string; startsAt: string; timezone: string };
  /** `location` is the new place (or join link), empty when none. */
  'event.changed': {
    variant: 'time' | 'place' | 'timeAndPlace';
    eventId: string;
    title: string;
    when: string;
    startsAt: string;
    timezone: string;
    location: string;
  };
  'event.cancelled': { variant?: 'noReason'; eventId: string; title: string; when: string; reason: string };
  /** `location` is the place, or the join link of a webinar, empty when none. */
  'event.reminder': {
    variant: '24h' | '1h';
    eventId: string;
    title: string;
    when: string;
    startsAt: string;
    timezone: string;
    location: string;
  };
  // Learn and Earn: `expiresAt` is ISO (the client shows it in the viewer's zone).
  'certificate.issued': { courseSlug: string; courseTitle: string; certificateId: string };
  'certificate.expiring': {
    courseSlug: string;
    courseTitle: string;
    certificateId: string;
    expiresAt: string;
    days: number;
  };
  'certificate.revoked': { courseSlug: string; courseTitle: string; certificateId: string; reason: string };
}

export type NotificationType = keyof NotificationKinds;

/** Fails to compile when a kind's params are not flat. */
type FlatKinds<T extends Record<NotificationType, NotificationParams>> = T;
export type CheckedNotificationKinds = FlatKinds<NotificationKinds>;

/** What a notification says, in any language: the kind, its params, and the client path it is about. */
export interface NotificationMessage<T extends NotificationType = NotificationType> {
  type: T;
  params: NotificationKinds[T];
  /** A client path (`/challenges/<id>`, `/badges`, `/`) that clicking the notification opens. */
  link?: string;
  /** English fallback. */
  title: string;
  /** English fallback. */
  body: string;
}

export interface PointsAwardedPayload {
  amount: number;
  balance: number;
  reason: string;
  source: { type: string; id: string | null };
  tip?: string;
  /** The toast's wording, as for an inbox notification. */
  type: 'points.awarded';
  params: NotificationKinds['points.awarded'];
  link: string;
}

export interface WalletUpdatedPayload {
  balance: number;
  lifetime: number;
  qualifying: number;
}

export interface BadgeEarnedPayload {
  key: string;
  name: string;
  description: string;
}

export interface TierChangedPayload {
  from: string;
  to: string;
}

export interface ChallengeCompletedPayload {
  challengeId: string;
  title: string;
  points: number;
}

/** A notification as it appears in the inbox (GET /api/me/notifications). */
export interface NotificationPayload {
  id: string;
  /** A `NotificationType`, or a kind this client does not know yet (render `title`/`body` then). */
  type: string;
  title: string;
  body: string;
  /** Empty for notifications stored before params existed. */
  params: NotificationParams;
  link?: string;
  tip: string | null;
  createdAt: string;
  readAt: string | null;
}

/** A redemption of mine changed (fulfilled with its code, rejected, cancelled): sent to my sockets only. */
export interface RedemptionUpdatedPayload {
  id: string;
  status: 'pending' | 'fulfilled' | 'rejected' | 'cancelled';
  rewardId: string;
  rewardName: string;
  cost: number;
  note: string | null;
  code: string | null;
}

export interface ServerToClientEvents {
  'points.awarded': (payload: PointsAwardedPayload) => void;
  /** Any change of the wallet, debits included, so open pages never show a stale balance. */
  'wallet.updated': (payload: WalletUpdatedPayload) => void;
  'badge.earned': (payload: BadgeEarnedPayload) => void;
  'tier.changed': (payload: TierChangedPayload) => void;
  'challenge.completed': (payload: ChallengeCompletedPayload) => void;
  notification: (payload: NotificationPayload) => void;
  'leaderboard.updated': (payload: LeaderboardUpdatedPayload) => void;
  'redemption.updated': (payload: RedemptionUpdatedPayload) => void;
}

export interface LeaderboardSubscription {
  scope: 'individual' | 'team' | 'organization';
  period: 'week' | 'month' | 'all';
  /** Individual and team boards: the organization (default: mine). */
  organizationId?: string;
}

export interface LeaderboardItemPayload {
  rank: number;
  id: string;
  name: string;
  points: number;
  teamName?: string | null;
}

/** The new top 10 of a board, pushed to its subscribers at most once a second, only when it changed. */
export interface LeaderboardUpdatedPayload {
  scope: LeaderboardSubscription['scope'];
  period: LeaderboardSubscription['period'];
  organizationId: string | null;
  items: LeaderboardItemPayload[];
}

/** The answer to subscribe/unsubscribe (socket.io acknowledgement). */
export type SubscriptionAck = { ok: true } | { ok: false; statusCode: number; message: string };

export interface ClientToServerEvents {
  'leaderboard.subscribe': (subscription: LeaderboardSubscription, ack: (result: SubscriptionAck) => void) => void;
  'leaderboard.unsubscribe': (subscription: LeaderboardSubscription, ack: (result: SubscriptionAck) => void) => void;
}

export const userRoom = (userId: string) => `user:${userId}`;
