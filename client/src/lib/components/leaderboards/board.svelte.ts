import type { LeaderboardUpdatedPayload } from '$events';
import { getBoard, type Board, type Period, type Scope } from '$lib/api/leaderboards';
import { Resource } from '$lib/state/resource.svelte';

export type { Board, Period, Scope };

export const SCOPES: readonly Scope[] = ['individual', 'team', 'organization'];
export const PERIODS: readonly Period[] = ['week', 'month', 'all'];

/** A push only carries the top 10; my own standing is fetched this long after the last one. */
const ME_DEBOUNCE_MS = 600;

type Member = { id: string; teamId: string | null; organizationId: string | null };

/** The row that is mine on a board of this scope: me, my team or my organization. */
export function mySubject(scope: Scope, me: Member | null | undefined): string | null {
  if (!me) return null;
  return scope === 'individual' ? me.id : scope === 'team' ? me.teamId : me.organizationId;
}

/** The board on screen: fetched on demand (the newest request wins), its top 10 replaced by pushes. */
export class BoardView {
  scope = $state<Scope>('individual');
  period = $state<Period>('week');
  readonly resource = new Resource<Board>(() => getBoard({ scope: this.scope, period: this.period }));
  private meTimer: ReturnType<typeof setTimeout> | undefined;

  get board(): Board | null {
    return this.resource.value;
  }

  get subscription() {
    return { scope: this.scope, period: this.period };
  }

  load(): Promise<void> {
    return this.resource.load();
  }

  /** A pushed top 10: shown at once if it is this board's; my standing follows shortly. */
  received(payload: LeaderboardUpdatedPayload): void {
    const board = this.board;
    if (!board || payload.scope !== board.scope || payload.period !== board.period) return;
    if (payload.organizationId !== board.organizationId) return;
    board.items = payload.items;
    this.standingChanged();
  }

  /** Asks for my rank and points again, once things have settled. */
  standingChanged(): void {
    clearTimeout(this.meTimer);
    this.meTimer = setTimeout(() => void this.refreshMe(), ME_DEBOUNCE_MS);
  }

  dispose(): void {
    clearTimeout(this.meTimer);
    this.resource.cancel();
  }

  private async refreshMe(): Promise<void> {
    const board = this.board;
    if (!board) return;
    const fresh = await getBoard({ scope: board.scope, period: board.period, limit: 1 }).catch(() => null);
    if (fresh && this.board === board) board.me = fresh.me;
  }
}
