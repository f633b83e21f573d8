import type { LedgerEntryDto } from '../ledger/dto/ledger.dto';
import type { LedgerKind } from '../ledger/schemas/ledger-entry.schema';
import type { MemberStats } from '../ledger/schemas/wallet.schema';
import type { WalletDelta } from '../ledger/wallet-delta';

/**
 * Typed in-process domain events. Features publish these; the engine reacts (tiers, badges),
 * and only the notifier turns them into socket messages and inbox notifications.
 */
export interface DomainEvents {
  'ledger.recorded': LedgerRecordedEvent;
  'ledger.abandoned': LedgerAbandonedEvent;
  'activity.recorded': ActivityRecordedEvent;
  'badge.earned': BadgeEarnedEvent;
  'tier.changed': TierChangedEvent;
  'challenge.completed': ChallengeCompletedEvent;
  'submission.rejected': SubmissionRejectedEvent;
  'leaderboard.changed': LeaderboardChangedEvent;
  'demo.ready': DemoReadyEvent;
  'campaign.reminder': CampaignReminderEvent;
  'redemption.changed': RedemptionChangedEvent;
  'referral.converted': ReferralConvertedEvent;
  'event.promoted': EventPromotedEvent;
  'event.changed': EventChangedEvent;
  'event.cancelled': EventCancelledEvent;
  'event.reminder': EventReminderEvent;
  // Learn and Earn
  'certificate.issued': CertificateIssuedEvent;
  'certificate.expiring': CertificateExpiringEvent;
  'certificate.revoked': CertificateRevokedEvent;
  'campaign.responded': CampaignRespondedEvent;
}

/**
 * A ledger entry's effects are applied exactly once (see `LedgerService`): listeners that apply
 * one (`@OnDomainEffect`) must be safe to run again for the same entry — a guarded increment, a
 * unique insert, a conditional update — because after a crash the entry's plan is replayed with
 * `redo: true`. Listeners that only tell people (`@OnDomainEvent`, the notifier) skip replays.
 */
export interface LedgerRecordedEvent {
  userId: string;
  organizationId: string | null;
  /** When what the entry records happened (leaderboard periods follow it). */
  occurredAt: Date;
  entry: LedgerEntryDto;
  wallet: { balance: number; lifetime: number; qualifying: number };
  plan: PostingPlan;
  /** True when a retry or the sweep finishes an entry whose first run stopped part-way. */
  redo: boolean;
  /** The member's statistics just before this entry applied them (first run only; else read them). */
  statsBefore?: MemberStats | null;
  /**
   * Hands over an effect that finishes later (a batched write): the request answers without
   * waiting for it, and the posting stays unfinished — replayed if it fails — until it settles.
   */
  defer: (effect: Promise<unknown>) => void;
}

/** A plan that never became a ledger entry (refused, a duplicate, or left by a crash): undo its reservations. */
export interface LedgerAbandonedEvent {
  plan: PostingPlan;
}

/** What an activity's ledger entry still has to do once it is committed (engine-owned facts). */
export interface ActivityFacts {
  activityId: string;
  type: string;
  /** The activity's own idempotency key (the ledger entry's is `activity:<key>`). */
  idempotencyKey: string;
  value: number | null;
  metadata: Record<string, string | number | boolean>;
  reason: string | null;
  source: { kind: 'api-key' | 'user' | 'feature'; id: string | null };
  /** "Seen once" marks this activity may set, each with the statistic it then raises. */
  distinct: Array<{ mark: string; stat: string }>;
}

/**
 * Everything one ledger entry will do, decided before anything is written (see PostingJournal).
 * JSON-safe: it is stored while the entry is in flight and replayed after a crash.
 */
export interface PostingPlan {
  /** The entry's `_id`, chosen up front; also the token that guards each of its effects. */
  entryId: string;
  idempotencyKey: string;
  userId: string;
  organizationId: string | null;
  amount: number;
  kind: LedgerKind;
  reason: string;
  source: { type: string; id: string | null };
  /** ISO time. */
  occurredAt: string;
  /** How the entry moves the wallet (see walletDelta). */
  delta: WalletDelta;
  /** Member statistics the wallet update also applies (activities only). */
  stats?: { inc: Record<string, number>; week: string };
  /** Counters reserved before the commit (activity caps), released if the entry never exists. */
  reservations?: string[];
  activity?: ActivityFacts;
  /** A debit whose key the caller guarantees is new (see PlanOptions.freshKey). */
  freshKey?: true;
  openedAt: number;
}

/** An activity's entry is committed; its listeners apply effects once per `entryId` (replayed with `redo`). */
export interface ActivityRecordedEvent {
  activityId: string;
  /** The activity's ledger entry: the token that guards what listeners apply for it. */
  entryId: string;
  redo: boolean;
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

/** A redemption was fulfilled (a code pool's code included), rejected or cancelled: its member is told. */
export interface RedemptionChangedEvent {
  userId: string;
  redemptionId: string;
  rewardId: string;
  rewardName: string;
  status: 'pending' | 'fulfilled' | 'rejected' | 'cancelled';
  cost: number;
  note: string | null;
  hasCode: boolean;
  /** Only ever sent to its member's own sockets. */
  code: string | null;
}

/** A colleague the member referred completed a first activity: the referrer earned `points`. */
export interface ReferralConvertedEvent {
  referrerId: string;
  refereeName: string;
  points: number;
}

export type DomainEventName = keyof DomainEvents;

/**
 * The demo program's organizations and people exist (HUB_DEMO, `npm start`): each domain seeds
 * its own demo data from this, idempotently (found by a fixed key or name first), in a
 * `@OnDomainEffect('demo.ready')` listener of its own module — no domain edits the demo loader.
 */
export interface DemoReadyEvent {
  /** Organization name → id. */
  organizations: Record<string, string>;
  /** Team name → id. */
  teams: Record<string, string>;
  members: Array<{ id: string; email: string; displayName: string; organizationId: string; teamId: string | null }>;
  staff: Array<{ id: string; email: string; roles: string[] }>;
}

/** A member in a campaign's audience has not answered and it closes within 48 hours (sent once). */
export interface CampaignReminderEvent {
  userId: string;
  campaignId: string;
  title: string;
  closesAt: Date;
  incentivePoints: number;
}

/** What every notification about a club event or webinar names. */
export interface EventFacts {
  eventId: string;
  title: string;
  /** ISO instant. */
  startsAt: string;
  timezone: string;
  /** The start as read in the event's zone ("Mon 9 Mar, 09:00 New York time"): the English fallback's words. */
  when: string;
}

/** A waitlisted member got a seat (someone left, or the capacity grew). */
export interface EventPromotedEvent extends EventFacts {
  userId: string;
}

/** The time or place of an event changed: everyone going or waitlisted hears of it. */
export interface EventChangedEvent extends EventFacts {
  userIds: string[];
  changed: 'time' | 'place' | 'timeAndPlace';
  location: string | null;
}

/** An event was cancelled: everyone going or waitlisted hears of it. */
export interface EventCancelledEvent extends EventFacts {
  userIds: string[];
  reason: string | null;
}

/** A going member's reminder, 24 hours or 1 hour before the start (claimed once before it is published). */
export interface EventReminderEvent extends EventFacts {
  userId: string;
  reminder: '24h' | '1h';
  /** Webinars: where to join (the member is going). */
  joinUrl: string | null;
  location: string | null;
}

// ── Learn and Earn ────────────────────────────────────────────────────────────────────────────

/** A member completed a course and its certificate was written (once). */
export interface CertificateIssuedEvent {
  userId: string;
  certificateId: string;
  courseSlug: string;
  courseTitle: string;
}

/** A certificate expires within 30 days; its holder is told once. */
export interface CertificateExpiringEvent {
  userId: string;
  certificateId: string;
  courseSlug: string;
  courseTitle: string;
  expiresAt: Date;
  /** Whole days left (at least 1). */
  days: number;
}

/** An admin revoked a certificate. */
export interface CertificateRevokedEvent {
  userId: string;
  certificateId: string;
  courseSlug: string;
  courseTitle: string;
  reason: string;
}

/**
 * A campaign response's effects are being applied (analytics counts its NPS answer). Published on
 * every run of the response's finish, so a listener applies it once per `token` (`redo` on the
 * sweep's run). No member and no organization for an anonymous campaign: it counts for the program.
 */
export interface CampaignRespondedEvent {
  /** The response's token (an ObjectId's hex): guards what listeners apply for it. */
  token: string;
  redo: boolean;
  campaignId: string;
  /** Null in an anonymous campaign. */
  organizationId: string | null;
  /** When it was submitted (the day only in an anonymous campaign). */
  submittedAt: Date;
  /** The answer to the campaign's main NPS question (0–10), or null. */
  nps: number | null;
}
