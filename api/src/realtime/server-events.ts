/**
 * The socket.io contract, server → client and client → server. The client imports this file
 * (types only), so a renamed event or field breaks its build, not a user's session.
 */
export interface PointsAwardedPayload {
  amount: number;
  balance: number;
  reason: string;
  source: { type: string; id: string | null };
  tip?: string;
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
  type: string;
  title: string;
  body: string;
  tip: string | null;
  createdAt: string;
  readAt: string | null;
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
