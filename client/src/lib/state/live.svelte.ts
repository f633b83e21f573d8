import type { ClientToServerEvents, ServerToClientEvents, TierChangedPayload } from '$events';
import { t } from '$lib/i18n';
import { loadTiers, tierName } from '$lib/tiers';
import { io, type Socket } from 'socket.io-client';
import { notifications } from './notifications.svelte';
import { session } from './session.svelte';
import { toasts } from './toasts.svelte';

type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The socket to the hub: points, badges and tiers arrive here and update the page at once. */
class Live {
  connected = $state(false);
  /** Increases on every ledger change, so lists can refetch. */
  revision = $state(0);
  /** Increases when a badge, tier or challenge changes, so progress views can refetch. */
  progressRevision = $state(0);
  private socket: HubSocket | null = null;

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
    this.socket = socket;
  }

  disconnect(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.connected = false;
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
