import { BadRequestException, ForbiddenException, Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import { DomainEventBus, OnDomainEffect } from '../common/domain-event-bus';
import type { ActivityRecordedEvent } from '../common/domain-events';
import type { Principal } from '../common/roles';
import { ActivitiesService } from '../engine/activities.service';
import { MemberCache } from '../engine/member-cache';
import type { UserRecord } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { MyReferralDto } from './dto/referral.dto';
import { newReferralCode, normalizeReferralCode } from './referral-code';
import { ReferralsRepository } from './referrals.repository';

const CONVERTED = 'referral.converted';

/**
 * Referral codes and conversions. Each member shares one short code; a colleague who registers
 * with it is recorded as their referee, and the referee's first activity converts the referral
 * once: a `referral.converted` activity for the referrer, keyed by the referee (so the engine
 * awards it once, within its rule's cap), never for oneself.
 */
@Injectable()
export class ReferralsService {
  constructor(
    private readonly repository: ReferralsRepository,
    private readonly activities: ActivitiesService,
    private readonly members: MemberCache,
    private readonly users: UsersService,
    private readonly events: DomainEventBus,
  ) {}

  async mine(caller: Principal, origin: string): Promise<MyReferralDto> {
    if (!caller.roles.includes('member')) throw new ForbiddenException('Referral codes are for members');
    const userId = new Types.ObjectId(caller.id);
    const code = await this.codeFor(userId);
    const [conversions, referrals] = await Promise.all([
      this.repository.countConverted(userId),
      this.repository.listFor(userId, 50),
    ]);
    const people = await this.users.findMany(referrals.map((referral) => referral._id));
    return {
      code,
      url: `${origin}/register?ref=${code}`,
      conversions,
      referrals: referrals.map((referral) => ({
        displayName: people.get(referral._id.toHexString())?.displayName ?? '',
        status: referral.status,
        joinedAt: referral.joinedAt.toISOString(),
        convertedAt: referral.convertedAt?.toISOString() ?? null,
        points: referral.points,
      })),
    };
  }

  /** The member's code, made on first use (once, whatever the concurrency). */
  async codeFor(userId: Types.ObjectId): Promise<string> {
    const existing = await this.repository.codeOf(userId);
    if (existing) return existing;
    for (let attempt = 0; attempt < 20; attempt++) {
      const candidate = newReferralCode();
      if (!(await this.repository.reserveCode(candidate, userId))) continue; // another member's
      const code = await this.repository.setCode(userId, candidate);
      if (code !== candidate) await this.repository.dropCode(candidate, userId);
      return code;
    }
    throw new Error('Could not find a free referral code');
  }

  /** The member a code belongs to; 400 when none (registration refuses an unknown code). */
  async referrerOf(input: string): Promise<{ referrerId: Types.ObjectId; code: string }> {
    const code = normalizeReferralCode(input);
    const referrerId = await this.repository.ownerOf(code);
    if (!referrerId) throw new BadRequestException('referralCode is not valid: no member has this referral code');
    return { referrerId, code };
  }

  /** A new member registered with a colleague's code. */
  async recordSignup(referee: UserRecord, referral: { referrerId: Types.ObjectId; code: string }): Promise<void> {
    if (referral.referrerId.equals(referee._id)) return;
    await this.repository.recordReferral({ _id: referee._id, ...referral, joinedAt: new Date() });
  }

  /**
   * The referee's first activity converts the referral. Safe to run again for the same activity
   * (and for later ones): the referrer's activity key names the referee, the mark is conditional.
   */
  @OnDomainEffect('activity.recorded')
  async onActivityRecorded(event: ActivityRecordedEvent): Promise<void> {
    if (event.type === CONVERTED) return; // a referrer's reward is not a referee's own first step
    const refereeId = new Types.ObjectId(event.userId);
    const referee = await this.members.get(refereeId);
    if (!referee?.referredByCode) return;
    let referral = await this.repository.find(refereeId);
    if (referral?.status === 'converted') return;
    if (!referral) {
      // Registered, but the referral record was not written (a crash): from the code on the account.
      const referrerId = await this.repository.ownerOf(referee.referredByCode);
      if (!referrerId) return;
      await this.recordSignup(referee, { referrerId, code: referee.referredByCode });
      referral = await this.repository.find(refereeId);
      if (!referral) return;
    }
    if (referral.referrerId.equals(refereeId)) return; // never for oneself
    const referrer = await this.users.find(referral.referrerId);
    if (!referrer?.roles.includes('member')) return;
    const result = await this.activities.record({
      user: referrer,
      type: CONVERTED,
      idempotencyKey: `referral:${refereeId.toHexString()}`,
      metadata: { refereeId: refereeId.toHexString() },
      reason: `${referee.displayName} joined with your referral code`,
      source: { kind: 'feature', id: refereeId.toHexString() },
    });
    await this.repository.markConverted(refereeId, result.pointsAwarded);
    if (result.duplicate) return;
    await this.events.publish('referral.converted', {
      referrerId: referrer._id.toHexString(),
      refereeName: referee.displayName,
      points: result.pointsAwarded,
    });
  }
}
