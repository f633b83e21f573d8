import type {
  ClientToServerEvents,
  LeaderboardSubscription,
  LeaderboardUpdatedPayload,
  ServerToClientEvents,
  SubscriptionAck,
} from '$events';
import { notificationText } from '$lib/components/notifications/notification-text';
import { t } from '$lib/i18n';
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
  /** Increases when one of my redemptions changes (fulfilled with its code, rejected, cancelled). */
  redemptionRevision = $state(0);
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
    socket.on('points.awarded', (award) => {
      const { title } = notificationText({ ...award, title: `+${award.amount}: ${award.reason}`, body: '' });
      toasts.push(title, 'success', { href: award.link });
      session.applyWallet({ balance: award.balance });
    });
    socket.on('wallet.updated', (wallet) => {
      session.applyWallet(wallet);
      this.revision++;
    });
    // Badges, tiers and challenges are announced by their `notification` (a toast that opens its link).
    socket.on('badge.earned', () => this.progressChanged());
    socket.on('tier.changed', () => this.progressChanged());
    socket.on('challenge.completed', () => this.progressChanged());
    socket.on('notification', (notification) => notifications.received(notification));
    socket.on('redemption.updated', () => this.redemptionRevision++);
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
}

export const live = new Live();
