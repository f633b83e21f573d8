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

export interface ServerToClientEvents {
  'points.awarded': (payload: PointsAwardedPayload) => void;
  /** Any change of the wallet, debits included, so open pages never show a stale balance. */
  'wallet.updated': (payload: WalletUpdatedPayload) => void;
}

export interface LeaderboardSubscription {
  scope: 'individual' | 'team' | 'organization';
  period: 'week' | 'month' | 'all';
  organizationId?: string;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ClientToServerEvents {}

export const userRoom = (userId: string) => `user:${userId}`;
