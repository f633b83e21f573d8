import { forwardRef, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Scope } from '../leaderboards/dto/leaderboard.dto';
import { LeaderboardsService } from '../leaderboards/leaderboards.service';
import { Period, PERIODS } from '../leaderboards/periods';
import { HubGateway } from './hub.gateway';

/** One room per board and period; subscribers join it. */
export const leaderboardRoom = (board: string, period: Period) => `leaderboard|${board}|${period}`;

const THROTTLE_MS = 1_000;
/** Awards come in bursts: wait a moment so one push carries the whole burst. */
const SETTLE_MS = 150;

/**
 * Pushes a board's new top 10 to its subscribers: at most once a second per board and period,
 * and only when the top 10 changed (a change below it, or points that reorder nothing, is silent).
 */
@Injectable()
export class LeaderboardPublisher implements OnApplicationShutdown {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly last = new Map<string, { at: number; items: string }>();

  constructor(
    @Inject(forwardRef(() => HubGateway)) private readonly gateway: HubGateway,
    private readonly leaderboards: LeaderboardsService,
  ) {}

  /** Records what a new subscriber already sees (it fetched the board), so only changes are pushed. */
  async remember(board: string, period: Period): Promise<void> {
    const room = leaderboardRoom(board, period);
    if (this.last.has(room)) return;
    const items = await this.leaderboards.topItems(board, period);
    this.last.set(room, { at: 0, items: JSON.stringify(items) });
  }

  changed(boards: string[]): void {
    for (const board of boards) {
      for (const period of PERIODS) {
        const room = leaderboardRoom(board, period);
        if (this.timers.has(room)) continue; // membership is checked when the push is due
        const wait = Math.max(SETTLE_MS, (this.last.get(room)?.at ?? 0) + THROTTLE_MS - Date.now());
        this.timers.set(
          room,
          setTimeout(() => void this.push(room, board, period), wait),
        );
      }
    }
  }

  private async push(room: string, board: string, period: Period): Promise<void> {
    this.timers.delete(room);
    if (!(await this.gateway.hasMembers(room))) {
      this.last.delete(room);
      return;
    }
    const items = await this.leaderboards.topItems(board, period);
    const json = JSON.stringify(items);
    const unchanged = this.last.get(room)?.items === json;
    this.last.set(room, { at: Date.now(), items: json });
    if (unchanged) return;
    const [scope, organizationId] = board.split(':') as [Scope, string | undefined];
    this.gateway.toRoom(room, 'leaderboard.updated', { scope, period, organizationId: organizationId ?? null, items });
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
  }
}
