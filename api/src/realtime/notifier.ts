import { Injectable } from '@nestjs/common';
import { OnDomainEvent } from '../common/domain-event-bus';
import type {
  BadgeEarnedEvent,
  CertificateExpiringEvent,
  CertificateIssuedEvent,
  CertificateRevokedEvent,
  ChallengeCompletedEvent,
  LeaderboardChangedEvent,
  LedgerRecordedEvent,
  SubmissionRejectedEvent,
  TierChangedEvent,
} from '../common/domain-events';
import { ContentService } from '../content/content.service';
import { NotificationsService } from '../notifications/notifications.service';
import { HubGateway } from './hub.gateway';
import { LeaderboardPublisher } from './leaderboard-publisher';
import type { NotificationMessage, NotificationType } from './server-events';

/** The one place that turns domain events into messages for members: sockets and the inbox. */
@Injectable()
export class Notifier {
  private tips = 0;

  constructor(
    private readonly gateway: HubGateway,
    private readonly notifications: NotificationsService,
    private readonly content: ContentService,
    private readonly boards: LeaderboardPublisher,
  ) {}

  @OnDomainEvent('leaderboard.changed')
  onLeaderboardChanged({ boards }: LeaderboardChangedEvent): void {
    this.boards.changed(boards);
  }

  @OnDomainEvent('ledger.recorded')
  onLedgerRecorded({ userId, entry, wallet, redo }: LedgerRecordedEvent): void {
    // A replay finishes an entry's effects after a crash; the member heard of it already, or it
    // is long past: only the balance is refreshed.
    if (entry.amount > 0 && entry.kind !== 'refund' && !redo) {
      const tip = this.content.tip(this.tips++);
      this.gateway.toUser(userId, 'points.awarded', {
        amount: entry.amount,
        balance: wallet.balance,
        reason: entry.reason,
        source: entry.source,
        ...(tip ? { tip } : {}),
        type: 'points.awarded',
        params: { amount: entry.amount, reason: entry.reason, activityType: entry.source.type },
        link: '/',
      });
    }
    this.gateway.toUser(userId, 'wallet.updated', wallet);
  }

  @OnDomainEvent('badge.earned')
  async onBadgeEarned({ userId, key, name, description }: BadgeEarnedEvent): Promise<void> {
    this.gateway.toUser(userId, 'badge.earned', { key, name, description });
    await this.notify(userId, {
      type: 'badge.earned',
      params: { key, name, description },
      link: '/badges',
      title: `New badge: ${name}`,
      body: description,
    });
  }

  @OnDomainEvent('tier.changed')
  async onTierChanged({ userId, from, to, direction }: TierChangedEvent): Promise<void> {
    this.gateway.toUser(userId, 'tier.changed', { from, to });
    const tier = this.content.tier(to);
    const months = this.content.qualificationWindowMonths();
    const benefits = tier.benefits.join('; ');
    await this.notify(userId, {
      type: 'tier.changed',
      params: { variant: direction, from, to, tier: tier.name, benefits, months },
      link: '/',
      title: direction === 'up' ? `Welcome to ${tier.name}!` : `Tier review: ${tier.name}`,
      body:
        direction === 'up'
          ? `You are now ${tier.name}. ${benefits ? `New benefits: ${benefits}.` : ''}`.trim()
          : `Your tier is now ${tier.name}: your qualifying points of the last ${months} months are below your former tier.`,
    });
  }

  @OnDomainEvent('challenge.completed')
  async onChallengeCompleted({ userId, challengeId, title, points }: ChallengeCompletedEvent): Promise<void> {
    this.gateway.toUser(userId, 'challenge.completed', { challengeId, title, points });
    await this.notify(userId, {
      type: 'challenge.completed',
      params: { ...(points > 0 ? {} : { variant: 'noPoints' as const }), challengeId, title, points },
      link: `/challenges/${challengeId}`,
      title: `Challenge completed: ${title}`,
      body: points > 0 ? `${points} points are on their way to your balance.` : 'Well done!',
    });
  }

  @OnDomainEvent('submission.rejected')
  async onSubmissionRejected({ userId, challengeId, title, comment }: SubmissionRejectedEvent): Promise<void> {
    await this.notify(userId, {
      type: 'submission.rejected',
      params: { ...(comment ? {} : { variant: 'noComment' as const }), challengeId, title, comment: comment ?? '' },
      link: `/challenges/${challengeId}`,
      title: `Not approved yet: ${title}`,
      body: comment ? `Your manager wrote: “${comment}” You can submit again.` : 'You can submit again.',
    });
  }

  // ── Learn and Earn ──────────────────────────────────────────────────────────────────────────

  @OnDomainEvent('certificate.issued')
  async onCertificateIssued({ userId, certificateId, courseSlug, courseTitle }: CertificateIssuedEvent): Promise<void> {
    await this.notify(userId, {
      type: 'certificate.issued',
      params: { courseSlug, courseTitle, certificateId },
      link: `/learn/${courseSlug}`,
      title: `Certificate earned: ${courseTitle}`,
      body: 'You completed the course. Share your certificate: anyone can verify it with its link.',
    });
  }

  @OnDomainEvent('certificate.expiring')
  async onCertificateExpiring(event: CertificateExpiringEvent): Promise<void> {
    const { userId, certificateId, courseSlug, courseTitle, expiresAt, days } = event;
    await this.notify(userId, {
      type: 'certificate.expiring',
      params: { courseSlug, courseTitle, certificateId, expiresAt: expiresAt.toISOString(), days },
      link: `/learn/${courseSlug}`,
      title: `Your certificate expires in ${days} day${days === 1 ? '' : 's'}: ${courseTitle}`,
      body: `It is valid until ${expiresAt.toISOString().slice(0, 10)}. Review the course to keep your knowledge current.`,
    });
  }

  @OnDomainEvent('certificate.revoked')
  async onCertificateRevoked(event: CertificateRevokedEvent): Promise<void> {
    const { userId, certificateId, courseSlug, courseTitle, reason } = event;
    await this.notify(userId, {
      type: 'certificate.revoked',
      params: { courseSlug, courseTitle, certificateId, reason },
      link: `/learn/${courseSlug}`,
      title: `Certificate revoked: ${courseTitle}`,
      body: `The program revoked your certificate: “${reason}”`,
    });
  }

  /**
   * Stores an inbox notification (with a tip) and pushes it to the member's open sockets. Every
   * kind goes through here; `NotificationKinds` (server-events.ts) types its params.
   */
  private async notify<T extends NotificationType>(userId: string, message: NotificationMessage<T>): Promise<void> {
    const notification = await this.notifications.create(userId, message, this.content.tip(this.tips++) ?? null);
    this.gateway.toUser(userId, 'notification', notification);
  }
}
