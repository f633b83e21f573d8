import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { OnDomainEvent } from '../common/domain-event-bus';
import type {
  BadgeEarnedEvent,
  ChallengeCompletedEvent,
  LeaderboardChangedEvent,
  LedgerRecordedEvent,
  SubmissionRejectedEvent,
  TierChangedEvent,
} from '../common/domain-events';
import { ContentService } from '../content/content.service';
import { NewNotification } from '../notifications/notifications.repository';
import { NotificationsService } from '../notifications/notifications.service';
import { HubGateway } from './hub.gateway';
import { LeaderboardPublisher } from './leaderboard-publisher';

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
      });
    }
    this.gateway.toUser(userId, 'wallet.updated', wallet);
  }

  @OnDomainEvent('badge.earned')
  async onBadgeEarned({ userId, key, name, description }: BadgeEarnedEvent): Promise<void> {
    this.gateway.toUser(userId, 'badge.earned', { key, name, description });
    await this.notify(userId, { type: 'badge.earned', title: `New badge: ${name}`, body: description });
  }

  @OnDomainEvent('tier.changed')
  async onTierChanged({ userId, from, to, direction }: TierChangedEvent): Promise<void> {
    this.gateway.toUser(userId, 'tier.changed', { from, to });
    const tier = this.content.tier(to);
    const body =
      direction === 'up'
        ? `You are now ${tier.name}. ${tier.benefits.length ? `New benefits: ${tier.benefits.join('; ')}.` : ''}`.trim()
        : `Your tier is now ${tier.name}: your qualifying points of the last ${this.content.qualificationWindowMonths()} months are below your former tier.`;
    await this.notify(userId, {
      type: 'tier.changed',
      title: direction === 'up' ? `Welcome to ${tier.name}!` : `Tier review: ${tier.name}`,
      body,
    });
  }

  @OnDomainEvent('challenge.completed')
  async onChallengeCompleted({ userId, challengeId, title, points }: ChallengeCompletedEvent): Promise<void> {
    this.gateway.toUser(userId, 'challenge.completed', { challengeId, title, points });
    await this.notify(userId, {
      type: 'challenge.completed',
      title: `Challenge completed: ${title}`,
      body: points > 0 ? `${points} points are on their way to your balance.` : 'Well done!',
    });
  }

  @OnDomainEvent('submission.rejected')
  async onSubmissionRejected({ userId, title, comment }: SubmissionRejectedEvent): Promise<void> {
    await this.notify(userId, {
      type: 'submission.rejected',
      title: `Not approved yet: ${title}`,
      body: comment ? `Your manager wrote: “${comment}” You can submit again.` : 'You can submit again.',
    });
  }

  /** Stores an inbox notification (with a tip) and pushes it to open sockets. */
  private async notify(userId: string, message: Omit<NewNotification, 'userId' | 'tip'>): Promise<void> {
    const notification = await this.notifications.create({
      ...message,
      userId: new Types.ObjectId(userId),
      tip: this.content.tip(this.tips++) ?? null,
    });
    this.gateway.toUser(userId, 'notification', notification);
  }
}
