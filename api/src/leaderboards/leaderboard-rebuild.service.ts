import { Inject, Injectable } from '@nestjs/common';
import { HubConfig } from '../config/hub-config';
import { LedgerService } from '../ledger/ledger.service';
import type { LedgerKind } from '../ledger/schemas/ledger-entry.schema';
import { OrganizationsService } from '../organizations/organizations.service';
import { UsersRepository } from '../users/users.repository';
import { BucketIncrement, LEADERBOARD_STORE, LeaderboardStore } from './leaderboard-store';
import { BOARD_KINDS, boardIncrements } from './leaderboards.service';

export interface RebuildReport {
  entries: number;
  buckets: number;
}

/**
 * Recomputes every board from the ledger — after a crash lost buffered increments, after a
 * rule change, or to switch stores. Uses the same `boardIncrements` as the live path, so a
 * rebuild equals what the awards built.
 */
@Injectable()
export class LeaderboardRebuildService {
  constructor(
    @Inject(LEADERBOARD_STORE) private readonly store: LeaderboardStore,
    private readonly ledger: LedgerService,
    private readonly users: UsersRepository,
    private readonly organizations: OrganizationsService,
    private readonly config: HubConfig,
  ) {}

  async rebuild(onProgress: (done: number, total: number) => void = () => {}): Promise<RebuildReport> {
    const kinds = BOARD_KINDS as LedgerKind[];
    const total = await this.ledger.count(kinds);
    const teams = await this.users.teamsOfMembers();
    const zones = await this.organizations.allTimezones();
    const totals = new Map<string, BucketIncrement>();
    let done = 0;
    for await (const page of this.ledger.entries(kinds)) {
      for (const entry of page) {
        const organizationId = entry.organizationId?.toHexString();
        const userId = entry.userId.toHexString();
        if (organizationId && entry.amount !== 0) {
          const changes = boardIncrements({
            userId,
            organizationId,
            teamId: teams.get(userId) ?? null,
            occurredAt: entry.occurredAt,
            points: entry.amount,
            zone: zones.get(organizationId) ?? this.config.PROGRAM_TIMEZONE,
            programZone: this.config.PROGRAM_TIMEZONE,
          });
          for (const change of changes) {
            const id = `${change.board}|${change.period}|${change.subjectId}`;
            const current = totals.get(id);
            totals.set(id, current ? { ...current, points: current.points + change.points } : change);
          }
        }
        onProgress(++done, total);
      }
    }
    await this.store.replaceAll([...totals.values()]);
    return { entries: done, buckets: totals.size };
  }
}
