import { Injectable } from '@nestjs/common';
import { OnDomainEvent } from '../common/domain-event-bus';
import type {
  BadgeEarnedEvent,
  CampaignReminderEvent,
  CertificateExpiringEvent,
  CertificateIssuedEvent,
  CertificateRevokedEvent,
  ChallengeCompletedEvent,
  EventCancelledEvent,
  EventChangedEvent,
  EventPromotedEvent,
  EventReminderEvent,
  LeaderboardChangedEvent,
  LedgerRecordedEvent,
  RedemptionChangedEvent,
  ReferralConvertedEvent,
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

  @OnDomainEvent('campaign.reminder')
  async onCampaignReminder({ userId, campaignId, title, closesAt, incentivePoints }: CampaignReminderEvent) {
    const closes = `${closesAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    await this.notify(userId, {
      type: 'campaign.reminder',
      params: {
        ...(incentivePoints > 0 ? {} : { variant: 'noPoints' as const }),
        campaignId,
        title,
        closesAt: closesAt.toISOString(),
        points: incentivePoints,
      },
      link: `/feedback/${campaignId}`,
      title: `Your feedback counts: ${title}`,
      body:
        incentivePoints > 0
          ? `Answer before ${closes} and earn ${incentivePoints} points.`
          : `Answer before ${closes}.`,
    });
  }

  // Rewards and referrals ------------------------------------------------------------------

  @OnDomainEvent('redemption.changed')
  async onRedemptionChanged(event: RedemptionChangedEvent): Promise<void> {
    const { userId, redemptionId, rewardId, rewardName: reward, status, cost, note, code } = event;
    this.gateway.toUser(userId, 'redemption.updated', {
      id: redemptionId,
      status,
      rewardId,
      rewardName: reward,
      cost,
      note,
      code,
    });
    const link = '/rewards/redemptions';
    if (status === 'fulfilled') {
      const variant = event.hasCode ? ('code' as const) : note ? ('note' as const) : undefined;
      await this.notify(userId, {
        type: 'redemption.fulfilled',
        params: { ...(variant ? { variant } : {}), redemptionId, reward, note: note ?? '' },
        link,
        title: `Your reward is on its way: ${reward}`,
        body: event.hasCode ? 'Your code is ready in My redemptions.' : (note ?? 'Enjoy!'),
      });
    } else if (status === 'rejected') {
      await this.notify(userId, {
        type: 'redemption.rejected',
        params: { ...(note ? {} : { variant: 'noNote' as const }), redemptionId, reward, cost, note: note ?? '' },
        link,
        title: `Redemption not possible: ${reward}`,
        body: `${cost} points are back in your balance.${note ? ` “${note}”` : ''}`,
      });
    } else if (status === 'cancelled') {
      await this.notify(userId, {
        type: 'redemption.cancelled',
        params: { redemptionId, reward, cost },
        link,
        title: `Cancelled: ${reward}`,
        body: `${cost} points are back in your balance.`,
      });
    }
  }

  @OnDomainEvent('referral.converted')
  async onReferralConverted({ referrerId, refereeName: name, points }: ReferralConvertedEvent): Promise<void> {
    await this.notify(referrerId, {
      type: 'referral.converted',
      params: { name, points },
      link: '/rewards/referral',
      title: `${name} joined with your referral`,
      body: points > 0 ? `You earned ${points} points. Thank you!` : 'Thank you for spreading the word!',
    });
  }

  // Club events and webinars: promotions off the waitlist, changes, cancellations, reminders.

  @OnDomainEvent('event.promoted')
  async onEventPromoted({ userId, eventId, title, when, startsAt, timezone }: EventPromotedEvent): Promise<void> {
    await this.notify(userId, {
      type: 'event.promoted',
      params: { eventId, title, when, startsAt, timezone },
      link: `/events/${eventId}`,
      title: `You have a seat: ${title}`,
      body: `A seat came free and it is yours. See you on ${when}.`,
    });
  }

  @OnDomainEvent('event.changed')
  async onEventChanged(event: EventChangedEvent): Promise<void> {
    const { eventId, title, when, startsAt, timezone, changed } = event;
    const location = event.location ?? '';
    const body =
      changed === 'place'
        ? `It now takes place at ${location || 'a new place'}.`
        : `It now starts on ${when}${changed === 'timeAndPlace' && location ? `, at ${location}` : ''}.`;
    await this.notifyEach(event.userIds, (userId) =>
      this.notify(userId, {
        type: 'event.changed',
        params: { variant: changed, eventId, title, when, startsAt, timezone, location },
        link: `/events/${eventId}`,
        title: `Changed: ${title}`,
        body,
      }),
    );
  }

  @OnDomainEvent('event.cancelled')
  async onEventCancelled({ userIds, eventId, title, when, reason }: EventCancelledEvent): Promise<void> {
    await this.notifyEach(userIds, (userId) =>
      this.notify(userId, {
        type: 'event.cancelled',
        params: { ...(reason ? {} : { variant: 'noReason' as const }), eventId, title, when, reason: reason ?? '' },
        link: `/events/${eventId}`,
        title: `Cancelled: ${title}`,
        body: reason ? `${title} on ${when} is cancelled: ${reason}` : `${title} on ${when} is cancelled.`,
      }),
    );
  }

  @OnDomainEvent('event.reminder')
  async onEventReminder(event: EventReminderEvent): Promise<void> {
    const { userId, eventId, title, when, startsAt, timezone, reminder } = event;
    const location = event.location ?? event.joinUrl ?? '';
    await this.notify(userId, {
      type: 'event.reminder',
      params: { variant: reminder, eventId, title, when, startsAt, timezone, location },
      link: `/events/${eventId}`,
      // Words true whenever the sweep sends it (a late RSVP, a sweep that was down): the start is named, not "tomorrow".
      title: reminder === '1h' ? `Starting soon: ${title}` : `Coming up: ${title}`,
      body: `Starts ${when}${location ? ` · ${location}` : ''}`,
    });
  }

  /** Tells many members, a few at a time (an event's whole list on a cancellation). */
  private async notifyEach(userIds: string[], send: (userId: string) => Promise<void>): Promise<void> {
    for (let i = 0; i < userIds.length; i += 20) await Promise.all(userIds.slice(i, i + 20).map(send));
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
