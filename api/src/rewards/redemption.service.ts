import {
  ConflictException,
  ForbiddenException,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Types } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { isOutage } from '../common/database-errors';
import { DomainEventBus } from '../common/domain-event-bus';
import { guardToken } from '../database/guards';
import { LedgerService } from '../ledger/ledger.service';
import { RewardCatalogService } from './reward-catalog.service';
import { redemptionId, refusal } from './redemption-rules';
import { NewRedemption, RedemptionsRepository } from './redemptions.repository';
import { RewardCodesRepository } from './reward-codes.repository';
import { RewardsRepository } from './rewards.repository';
import type { FailureReason, Redemption, RedemptionStatus } from './schemas/redemption.schema';
import type { Principal } from '../common/roles';

/** How long a run owns its redemption; after that (its request died) a retry or the sweep takes over. */
export const OWNER_TIME_MS = 2 * 60_000;
/** How long a retry with the same key waits for the first request to finish. */
const WAIT_FOR_TWIN_MS = 15_000;

const hex = (id: Types.ObjectId) => id.toHexString();

/**
 * Redeeming without double-spend. There are no transactions on the embedded database, so the
 * redemption record is the commit point and everything is reversed by it:
 *
 * 1. The record is written first (state `reserving`, `_id` from member + idempotency key, a guard
 *    token, and the steps it will take), owned by this run for OWNER_TIME_MS.
 * 2. Each step is one atomic primitive guarded by the token, so running it again takes nothing
 *    more: the member's count for the reward (only within the limit), a unit of stock (only while
 *    one is left), then the points (LedgerService: only while the balance covers them; the key
 *    `redeem:<id>` posts once).
 * 3. Commit: `reserving` → `pending` (or `issuing` for a code pool, which then gets its code and
 *    becomes `fulfilled`), conditional on this run still owning it.
 * 4. A refused step marks it `failed` (conditional, once) and gives back what was taken, each
 *    give-back guarded by the token too.
 *
 * A run that died part-way leaves `reserving` (or `issuing`): once its time is up, a retry with the
 * same key or the sweep takes it over and undoes it (or hands out the code it paid for).
 */
@Injectable()
export class RedemptionService {
  private readonly logger = new Logger(RedemptionService.name);

  constructor(
    private readonly redemptions: RedemptionsRepository,
    private readonly rewards: RewardsRepository,
    private readonly codes: RewardCodesRepository,
    private readonly catalog: RewardCatalogService,
    private readonly ledger: LedgerService,
    private readonly events: DomainEventBus,
  ) {}

  /** `created` false: the same idempotency key was seen before and this is that redemption. */
  async redeem(
    caller: Principal,
    rewardIdText: string,
    key?: string,
  ): Promise<{ redemption: Redemption; created: boolean }> {
    if (!caller.roles.includes('member')) throw new ForbiddenException('Only members redeem rewards');
    const idempotencyKey = key ?? new Types.ObjectId().toHexString();
    const id = redemptionId(caller.id, idempotencyKey);
    let checked: Awaited<ReturnType<RedemptionService['redeemable']>>;
    try {
      checked = await this.redeemable(caller, rewardIdText);
    } catch (refused) {
      // A retry of a request that went through gets its redemption back, not today's refusal.
      const existing = await this.redemptions.find(id);
      if (existing) return { redemption: await this.answerTwin(existing, rewardIdText), created: false };
      throw refused;
    }
    const { reward, member } = checked;

    const owner = randomUUID();
    const draft: NewRedemption = {
      _id: id,
      token: new Types.ObjectId(),
      userId: member._id,
      organizationId: member.organizationId,
      rewardId: reward._id,
      rewardName: reward.name,
      rewardKind: reward.kind,
      cost: reward.cost,
      idempotencyKey,
      state: 'reserving',
      plan: { stock: reward.stock !== null, limit: reward.perMemberLimit, codePool: reward.codePool },
      owner,
      lockedUntil: new Date(Date.now() + OWNER_TIME_MS),
      failure: null,
      code: null,
      codeSlot: null,
      note: null,
      decidedBy: null,
      decidedAt: null,
      settleToken: null,
      settled: true,
    };
    if (!(await this.redemptions.insert(draft))) {
      const twin = (await this.redemptions.find(id))!;
      return { redemption: await this.answerTwin(twin, rewardIdText), created: false };
    }
    return {
      redemption: await this.run({ ...draft, createdAt: new Date(), updatedAt: new Date() }, owner),
      created: true,
    };
  }

  /**
   * The reward, if this member may redeem it now (404, 403), and the cheap refusals from what is
   * read now (409); the atomic steps decide for real.
   */
  private async redeemable(caller: Principal, rewardIdText: string) {
    const { reward, member } = await this.catalog.redeemable(caller, rewardIdText);
    // A balance this process saw cover the cost moments ago needs no read: the debit decides
    // anyway. Only a refusal is worth a fresh read (a credit elsewhere may have covered it since).
    const hint = this.ledger.lastKnownBalance(caller.id);
    const balance = hint !== undefined && hint >= reward.cost ? hint : (await this.ledger.wallet(caller.id)).balance;
    if (balance < reward.cost) throw refusal('points', { short: reward.cost - balance });
    if (reward.stock !== null && reward.stock < 1) throw refusal('stock');
    if (reward.perMemberLimit && (await this.rewards.holding(reward._id, member._id)) >= reward.perMemberLimit) {
      throw refusal('limit', { limit: reward.perMemberLimit });
    }
    return { reward, member };
  }

  /** Steps 2–4 for a redemption this run owns. */
  private async run(redemption: Redemption, owner: string): Promise<Redemption> {
    const { rewardId, userId, plan } = redemption;
    const token = hex(redemption.token);
    let failure: FailureReason | null = null;
    try {
      if (plan.limit !== null && (await this.rewards.takeHolding(rewardId, userId, plan.limit, token)) === 'out') {
        failure = 'limit';
      } else if (plan.stock && (await this.rewards.takeStock(rewardId, token)) === 'out') {
        failure = 'stock';
      } else if (!(await this.debit(redemption))) {
        failure = 'points';
      }
    } catch (error) {
      // Unreachable database: whether a step happened is unknown; the retry or the sweep settles it.
      if (!isOutage(error)) await this.abort(redemption, owner, 'interrupted', 'unknown').catch(() => undefined);
      throw error;
    }
    if (failure) {
      await this.abort(redemption, owner, failure, 'no');
      throw refusal(failure, { limit: plan.limit });
    }
    const committed = await this.redemptions.commit(redemption._id, owner, plan.codePool ? 'issuing' : 'pending');
    if (!committed.changed) {
      // Only a run that outlived its time gets here: whoever took over undid it. What this run
      // took after that is given back too (every give-back is guarded, so nothing twice).
      await this.giveBack(redemption, 'unknown');
      throw refusal('interrupted');
    }
    this.closeGuards(redemption);
    if (plan.codePool) return this.issue(committed.doc!);
    return committed.doc!;
  }

  /** The points; false when the balance does not cover them. */
  private async debit(redemption: Redemption): Promise<boolean> {
    try {
      await this.ledger.record(
        {
          userId: redemption.userId,
          organizationId: redemption.organizationId,
          amount: -redemption.cost,
          kind: 'redeem',
          reason: `Redeemed: ${redemption.rewardName}`,
          source: { type: 'redemption', id: redemption._id },
          idempotencyKey: `redeem:${redemption._id}`,
          // Posted once, by the run that owns the redemption (a run that takes over never debits).
        },
        { freshKey: true },
      );
      return true;
    } catch (error) {
      if (error instanceof ConflictException) return false;
      throw error;
    }
  }

  /**
   * Marks it failed (once, by its owner) and gives back what was taken. `debited`: whether its
   * points may have been taken ('no' when the ledger refused them or they were never asked for).
   */
  private async abort(redemption: Redemption, owner: string, failure: FailureReason, debited: 'no' | 'unknown') {
    if (!(await this.redemptions.fail(redemption._id, owner, failure))) return;
    await this.giveBack(redemption, debited);
  }

  private async giveBack(redemption: Redemption, debited: 'no' | 'unknown'): Promise<void> {
    const token = hex(redemption.token);
    if (redemption.plan.stock) await this.rewards.returnStock(redemption.rewardId, token);
    if (redemption.plan.limit !== null) await this.rewards.returnHolding(redemption.rewardId, redemption.userId, token);
    if (debited === 'unknown' && (await this.ledger.findByIdempotencyKey(`redeem:${redemption._id}`))) {
      await this.refund(redemption, 'not completed');
    }
  }

  private refund(redemption: Redemption, why: string) {
    return this.ledger.record({
      userId: redemption.userId,
      organizationId: redemption.organizationId,
      amount: redemption.cost,
      kind: 'refund',
      reason: `Refund (${why}): ${redemption.rewardName}`,
      source: { type: 'redemption', id: redemption._id },
      idempotencyKey: `refund:${redemption._id}`,
    });
  }

  /** A code pool's redemption, committed and paid: its code, then `fulfilled`. */
  private async issue(redemption: Redemption): Promise<Redemption> {
    const slot = await this.codes.assignCode(redemption.rewardId, redemption._id);
    if (!slot) {
      this.logger.error(`No free code for redemption ${redemption._id} of reward ${hex(redemption.rewardId)}`);
      throw new ServiceUnavailableException('Your code is on its way; it will appear in your redemptions shortly');
    }
    const done = await this.redemptions.issued(redemption._id, slot.code, slot._id);
    if (!done.changed) {
      const now = (await this.redemptions.find(redemption._id))!;
      if (now.codeSlot && now.codeSlot !== slot._id) await this.codes.releaseCode(slot._id, redemption._id);
      return now;
    }
    await this.announce(done.doc!);
    return done.doc!;
  }

  /**
   * The answer for a key seen before: the redemption as it is (200), its refusal again, or — while
   * the first request still runs — the outcome once it is done.
   */
  private async answerTwin(first: Redemption, rewardIdText: string): Promise<Redemption> {
    if (first.rewardId.toHexString() !== rewardIdText) {
      throw new ConflictException('This idempotencyKey was already used to redeem another reward');
    }
    const deadline = Date.now() + WAIT_FOR_TWIN_MS;
    let redemption = first;
    while (redemption.state === 'reserving' || redemption.state === 'issuing') {
      if (redemption.lockedUntil.getTime() < Date.now()) {
        const taken = await this.finishMidway(redemption, new Date());
        if (taken) {
          redemption = taken;
          continue;
        }
      }
      if (Date.now() > deadline) throw new ServiceUnavailableException('This redemption is still being processed');
      await new Promise((resolve) => setTimeout(resolve, 100));
      redemption = (await this.redemptions.find(redemption._id))!;
    }
    if (redemption.state === 'failed')
      throw refusal(redemption.failure ?? 'interrupted', { limit: redemption.plan.limit });
    return redemption;
  }

  /**
   * Takes over a redemption whose run died: one still reserving is undone (nothing spent, its
   * member retries), one paid for gets its code. Null when another run holds it.
   */
  async finishMidway(redemption: Redemption, now: Date): Promise<Redemption | null> {
    const owner = randomUUID();
    const until = new Date(now.getTime() + OWNER_TIME_MS);
    const taken = await this.redemptions.takeOver(redemption._id, [redemption.state], owner, until, now);
    if (!taken) return null;
    if (taken.state === 'reserving') {
      await this.abort(taken, owner, 'interrupted', 'unknown');
    } else if (taken.state === 'issuing') {
      await this.issue(taken);
    }
    return this.redemptions.find(redemption._id);
  }

  /**
   * Moves a pending redemption to `to` once, whatever the concurrency (409 after); a reject or
   * cancel refunds the points and restocks. Members may only cancel their own.
   */
  async decide(
    caller: Principal,
    id: string,
    to: Exclude<RedemptionStatus, 'pending'>,
    note?: string,
    code?: string,
  ): Promise<Redemption> {
    const current = await this.redemptions.find(id);
    const own = current?.userId.toHexString() === caller.id;
    const visible = current && current.state !== 'reserving' && current.state !== 'failed';
    if (!visible || (to === 'cancelled' && !own)) throw new NotFoundException('Redemption not found');
    const decided = await this.redemptions.decide(
      id,
      to,
      new Types.ObjectId(caller.id),
      note ?? null,
      to === 'fulfilled' ? (code ?? null) : null,
    );
    if (!decided) {
      const now = (await this.redemptions.find(id))!;
      throw new ConflictException(
        `This redemption is already ${now.state === 'issuing' ? 'being fulfilled' : now.state}`,
      );
    }
    if (to !== 'fulfilled') await this.settle(decided);
    await this.announce(decided);
    return decided;
  }

  /** A reject's or cancel's refund, restock and limit release, each once (guarded by its settle token). */
  async settle(redemption: Redemption): Promise<void> {
    const token = hex(redemption.settleToken!);
    await this.refund(redemption, redemption.state === 'cancelled' ? 'cancelled' : 'rejected');
    if (redemption.plan.stock) await this.rewards.restock(redemption.rewardId, guardToken(token, 'restock'));
    if (redemption.plan.limit !== null) {
      await this.rewards.releaseHolding(redemption.rewardId, redemption.userId, guardToken(token, 'limit'));
    }
    await this.redemptions.markSettled(redemption._id);
    if (redemption.plan.stock) this.rewards.closeGuard(redemption.rewardId, guardToken(token, 'restock'));
  }

  /**
   * The sweep: finishes what crashed runs left (see finishMidway) and settles refunds a crash
   * interrupted. `asOf` stands for "now" (a test moves it forward instead of waiting).
   */
  async sweep(asOf = new Date()): Promise<{ undone: number; issued: number; settled: number }> {
    const report = { undone: 0, issued: 0, settled: 0 };
    const rows = await this.redemptions.leftMidway(asOf, new Date(asOf.getTime() - 60_000), 200);
    for (const row of rows) {
      if (row.state === 'reserving' || row.state === 'issuing') {
        const after = await this.finishMidway(row, asOf);
        if (after?.state === 'failed') report.undone++;
        else if (after?.state === 'fulfilled') report.issued++;
      } else if (!row.settled && row.settleToken) {
        await this.settle(row);
        report.settled++;
      }
    }
    if (report.undone || report.issued || report.settled)
      this.logger.warn(`Redemptions finished: ${JSON.stringify(report)}`);
    return report;
  }

  /** Tells the member (socket + inbox, through the notifier). */
  private announce(redemption: Redemption): Promise<void> {
    return this.events.publish('redemption.changed', {
      userId: redemption.userId.toHexString(),
      redemptionId: redemption._id,
      rewardId: redemption.rewardId.toHexString(),
      rewardName: redemption.rewardName,
      status: redemption.state === 'issuing' ? 'pending' : (redemption.state as RedemptionStatus),
      cost: redemption.cost,
      note: redemption.note,
      hasCode: redemption.code !== null,
      code: redemption.code,
    });
  }

  private closeGuards(redemption: Redemption): void {
    if (redemption.plan.stock) this.rewards.closeGuard(redemption.rewardId, hex(redemption.token));
  }
}
