import type {
  ClientToServerEvents,
  LeaderboardSubscription,
  LeaderboardUpdatedPayload,
  ServerToClientEvents,
  SubscriptionAck,
  TierChangedPayload,
} from '$events';
import { t } from '$lib/i18n';
import { loadTiers, tierName } from '$lib/tiers';
import { io, type Socket } from 'socket.io-client';
import { notifications } from './notifications.svelte';
import { session } from './session.svelte';
import { toasts } from './toasts.svelte';

type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type BoardListener = (payload: LeaderboardUpdatedPayload) => void;

/** How long to wait for the hub to answer a subscription before calling it failed. */
const ACK_TIMEOUT_MS = 5000;

/** The socket to the hub: points, badges and tiers arrive here and update the page at once. */
class Live {
  connected = $state(false);
  /** Increases on every ledger change, so lists can refetch. */
  revision = $state(0);
  /** Increases when a badge, tier or challenge changes, so progress views can refetch. */
  progressRevision = $state(0);
  private socket: HubSocket | null = null;
  private boardListeners = new Set<BoardListener>();

  connect(token: string): void {
    this.disconnect();
    const socket: HubSocket = io({ auth: { token }, transports: ['websocket', 'polling'] });
    socket.on('connect', () => (this.connected = true));
    socket.on('disconnect', () => (this.connected = false));
    socket.on('connect_error', (error) => {
      if (error.message === 'unauthorized') void session.signOut();
    });
    socket.on('points.awarded', (payload) => {
      toasts.push(t('toast.pointsAwarded', { amount: payload.amount, reason: payload.reason }), 'success');
      session.applyWallet({ balance: payload.balance });
    });
    socket.on('wallet.updated', (wallet) => {
      session.applyWallet(wallet);
      this.revision++;
    });
    socket.on('badge.earned', (badge) => {
      toasts.push(t('toast.badgeEarned', { name: badge.name }), 'success');
      this.progressChanged();
    });
    socket.on('tier.changed', (change) => {
      void this.announceTier(change);
      this.progressChanged();
    });
    socket.on('challenge.completed', (challenge) => {
      toasts.push(t('toast.challengeCompleted', { title: challenge.title, points: challenge.points }), 'success');
      this.progressChanged();
    });
    socket.on('notification', () => notifications.received());
    socket.on('leaderboard.updated', (payload) => this.boardListeners.forEach((listener) => listener(payload)));
    this.socket = socket;
  }

  disconnect(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.connected = false;
  }

  /**
   * Asks for `leaderboard.updated` pushes of a board. The server forgets subscriptions when the
   * socket drops, so callers subscribe again whenever `connected` turns true.
   */
  subscribeLeaderboard(subscription: LeaderboardSubscription): Promise<SubscriptionAck> {
    return this.request('leaderboard.subscribe', subscription);
  }

  unsubscribeLeaderboard(subscription: LeaderboardSubscription): Promise<SubscriptionAck> {
    return this.request('leaderboard.unsubscribe', subscription);
  }

  /** Calls `listener` with every board pushed to this socket; returns the function that stops it. */
  onLeaderboardUpdated(listener: BoardListener): () => void {
    this.boardListeners.add(listener);
    return () => this.boardListeners.delete(listener);
  }

  private async request(
    event: 'leaderboard.subscribe' | 'leaderboard.unsubscribe',
    subscription: LeaderboardSubscription,
  ): Promise<SubscriptionAck> {
    const socket = this.socket;
    // Offline there is nothing to (un)subscribe: the server dropped this socket's rooms already.
    if (!socket?.connected) return { ok: false, statusCode: 503, message: t('live.offline') };
    try {
      return await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, subscription);
    } catch {
      return { ok: false, statusCode: 504, message: t('live.noAnswer') };
    }
  }

  private progressChanged(): void {
    this.progressRevision++;
    void session.refresh(); // the tier and points shown come from /api/me
  }

  private async announceTier({ from, to }: TierChangedPayload): Promise<void> {
    const tiers = await loadTiers();
    const rank = (key: string) => tiers.findIndex((tier) => tier.key === key);
    const up = rank(to) >= rank(from);
    toasts.push(t(up ? 'toast.tierUp' : 'toast.tierDown', { tier: tierName(tiers, to) }), up ? 'success' : 'info');
  }
}

export const live = new Live();
