import { forwardRef, Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Scope } from '../leaderboards/dto/leaderboard.dto';
import { LeaderboardsService } from '../leaderboards/leaderboards.service';
import { Period, PERIODS } from '../leaderboards/periods';
import { HubGateway } from './hub.gateway';
import { PUSH_GATE, type PushGate } from './push-gate';

/** One room per board and period; subscribers join it. */
export const leaderboardRoom = (board: string, period: Period) => `leaderboard|${board}|${period}`;

/** At most one push per board and period in this window, across every instance. */
export const PUSH_WINDOW_MS = 1_000;
/** Awards come in bursts: wait a moment so one push carries the whole burst. */
const SETTLE_MS = 150;

/**
 * Pushes a board's new top 10 to its subscribers: at most once a second per board and period,
 * and only when the top 10 changed (a change below it, or points that reorder nothing, is silent).
 * The window and the last view live in the PushGate, shared through Redis when there are several
 * instances: an instance that finds the window taken tries again when it ends, so a change it
 * handled is never dropped, and an unchanged view is never pushed twice.
 */
@Injectable()
export class LeaderboardPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(LeaderboardPublisher.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    @Inject(forwardRef(() => HubGateway)) private readonly gateway: HubGateway,
    private readonly leaderboards: LeaderboardsService,
    @Inject(PUSH_GATE) private readonly gate: PushGate,
  ) {}

  /** Records what a new subscriber already sees (it fetched the board), so only changes are pushed. */
  remember(board: string, period: Period): Promise<void> {
    const load = async () => JSON.stringify(await this.leaderboards.topItems(board, period));
    return this.gate.remember(leaderboardRoom(board, period), load);
  }

  changed(boards: string[]): void {
    for (const board of boards) {
      for (const period of PERIODS) this.schedule(board, period, SETTLE_MS);
    }
  }

  /** A push for this room in `wait` ms, unless one is already due (membership is checked then). */
  private schedule(board: string, period: Period, wait: number): void {
    const room = leaderboardRoom(board, period);
    if (this.timers.has(room)) return;
    const push = () =>
      this.push(room, board, period).catch((error: Error) =>
        this.logger.error(`Could not push ${room}: ${error.message}`, error.stack),
      );
    this.timers.set(
      room,
      setTimeout(() => void push(), wait),
    );
  }

  private async push(room: string, board: string, period: Period): Promise<void> {
    this.timers.delete(room);
    if (!(await this.gateway.hasMembers(room))) return this.gate.forget(room);
    const wait = await this.gate.claim(room);
    if (wait > 0) return this.schedule(board, period, wait);
    const items = await this.leaderboards.topItems(board, period);
    if (!(await this.gate.swap(room, JSON.stringify(items)))) return;
    const [scope, organizationId] = board.split(':') as [Scope, string | undefined];
    this.gateway.toRoom(room, 'leaderboard.updated', { scope, period, organizationId: organizationId ?? null, items });
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
  }
}
