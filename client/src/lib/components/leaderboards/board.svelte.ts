import type { LeaderboardSubscription, LeaderboardUpdatedPayload } from '$events';
import { api, errorMessage, type Schemas } from '$lib/api/client';
import { formatDay, formatDayTime } from '$lib/format';
import { t } from '$lib/i18n';
import { DateTime } from 'luxon';

export type Scope = LeaderboardSubscription['scope'];
export type Period = LeaderboardSubscription['period'];
export type Board = Schemas['LeaderboardDto'];

export const SCOPES: readonly Scope[] = ['individual', 'team', 'organization'];
export const PERIODS: readonly Period[] = ['week', 'month', 'all'];

/** A push only carries the top 10; my own standing is fetched this long after the last one. */
const ME_DEBOUNCE_MS = 600;

/**
 * A board's period in the viewer's zone: whole days ("Nov 16 – Nov 22", the end is exclusive)
 * when its edges are midnights there, else the exact instants ("Nov 15, 11:00 PM until …").
 */
export function periodText(board: Pick<Board, 'start' | 'end'>, zone: string): string {
  if (!board.start || !board.end) return t('leaderboards.allTime');
  const start = DateTime.fromISO(board.start, { zone });
  const end = DateTime.fromISO(board.end, { zone });
  const midnight = (at: DateTime) => at.equals(at.startOf('day'));
  if (midnight(start) && midnight(end)) {
    const last = end.minus({ days: 1 }).toISO()!;
    return t('leaderboards.days', { start: formatDay(board.start, zone), end: formatDay(last, zone) });
  }
  return t('leaderboards.until', { start: formatDayTime(board.start, zone), end: formatDayTime(board.end, zone) });
}

type Member = { id: string; teamId: string | null; organizationId: string | null };

/** The row that is mine on a board of this scope: me, my team or my organization. */
export function mySubject(scope: Scope, me: Member | null | undefined): string | null {
  if (!me) return null;
  return scope === 'individual' ? me.id : scope === 'team' ? me.teamId : me.organizationId;
}

/** The board on screen: fetched on demand, its top 10 replaced by pushes. */
export class BoardView {
  scope = $state<Scope>('individual');
  period = $state<Period>('week');
  board = $state<Board | null>(null);
  error = $state('');
  private loads = 0;
  private meTimer: ReturnType<typeof setTimeout> | undefined;

  get subscription(): LeaderboardSubscription {
    return { scope: this.scope, period: this.period };
  }

  async load(): Promise<void> {
    const ticket = ++this.loads;
    const query = { scope: this.scope, period: this.period };
    const { data, error } = await api.GET('/api/leaderboards', { params: { query } });
    if (ticket !== this.loads) return; // another board was asked for meanwhile
    this.error = data ? '' : errorMessage(error, t('error.generic'));
    if (data) this.board = data;
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
    this.loads++;
  }

  private async refreshMe(): Promise<void> {
    const board = this.board;
    if (!board) return;
    const query = { scope: board.scope, period: board.period, limit: 1 };
    const { data } = await api.GET('/api/leaderboards', { params: { query } });
    if (data && this.board === board) board.me = data.me;
  }
}
