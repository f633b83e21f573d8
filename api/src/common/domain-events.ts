import type { LedgerEntryDto } from '../ledger/dto/ledger.dto';

/**
 * Typed in-process domain events. Features publish these; the engine reacts (tiers, badges),
 * and only the notifier turns them into socket messages and inbox notifications.
 */
export interface DomainEvents {
  'ledger.recorded': LedgerRecordedEvent;
  'activity.recorded': ActivityRecordedEvent;
  'badge.earned': BadgeEarnedEvent;
  'tier.changed': TierChangedEvent;
  'challenge.completed': ChallengeCompletedEvent;
  'submission.rejected': SubmissionRejectedEvent;
  'leaderboard.changed': LeaderboardChangedEvent;
}

export interface LedgerRecordedEvent {
  userId: string;
  organizationId: string | null;
  /** When what the entry records happened (leaderboard periods follow it). */
  occurredAt: Date;
  entry: LedgerEntryDto;
  wallet: { balance: number; lifetime: number; qualifying: number };
}

export interface ActivityRecordedEvent {
  activityId: string;
  userId: string;
  organizationId: string | null;
  type: string;
  value: number | null;
  occurredAt: Date;
  metadata: Record<string, string | number | boolean>;
  pointsAwarded: number;
}

export interface BadgeEarnedEvent {
  userId: string;
  key: string;
  name: string;
  description: string;
}

export interface TierChangedEvent {
  userId: string;
  from: string;
  to: string;
  direction: 'up' | 'down';
}

export interface ChallengeCompletedEvent {
  userId: string;
  challengeId: string;
  title: string;
  points: number;
}

export interface SubmissionRejectedEvent {
  userId: string;
  challengeId: string;
  title: string;
  comment: string | null;
}

/** Boards (`individual:<org>`, `team:<org>`, `organization`) whose totals just moved. */
export interface LeaderboardChangedEvent {
  boards: string[];
}

export type DomainEventName = keyof DomainEvents;
