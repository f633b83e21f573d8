import type { ClientToServerEvents, ServerToClientEvents } from '$events';
import { t } from '$lib/i18n';
import { io, type Socket } from 'socket.io-client';
import { session } from './session.svelte';
import { toasts } from './toasts.svelte';

type HubSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The socket to the hub: points, badges and tiers arrive here and update the page at once. */
class Live {
  connected = $state(false);
  /** Increases on every ledger change, so lists can refetch. */
  revision = $state(0);
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
    this.socket = socket;
  }

  disconnect(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.connected = false;
  }
}

export const live = new Live();
