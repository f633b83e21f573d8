import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { Types } from 'mongoose';
import { audienceMember, inAudience, toAudience } from '../common/audience/audience';
import { CursorQueryDto, type Page, readKeyset, toKeysetPage, toObjectId, toPage } from '../common/pagination';
import { refuseNulls } from '../common/patch';
import { isStaff, type Principal } from '../common/roles';
import { TtlCache } from '../common/ttl-cache';
import { ContentService } from '../content/content.service';
import { MemberCache } from '../engine/member-cache';
import { LedgerService } from '../ledger/ledger.service';
import type { UserRecord } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { parseCodes } from './codes-file';
import {
  CreateRewardDto,
  mapReward,
  type MemberView,
  REWARD_NULLABLE,
  RewardDto,
  UpdateRewardDto,
  UploadCodesResultDto,
} from './dto/reward.dto';
import { RedemptionsRepository } from './redemptions.repository';
import { RewardCodesRepository } from './reward-codes.repository';
import { NewReward, RewardsRepository } from './rewards.repository';
import type { Reward } from './schemas/reward.schema';

/** A page of the catalog (the query's `limit` may ask for 1–100). */
const PAGE_SIZE = 100;
/**
 * How stale the reward a redemption starts from may be. Its gates (active, audience, tier) are
 * checked from it; its stock and limits are decided by atomic updates, never by this copy. An
 * edit made through this process applies at once, one made through another instance within this.
 */
const REDEEM_CACHE_MS = 1_000;

/**
 * The catalog: the admin's editor and code uploads, and what each member sees — affordable, locked
 * (with the tier needed), points still needed, how many they hold, what a donation has gathered.
 */
@Injectable()
export class RewardCatalogService {
  private readonly recent = new TtlCache<string, Reward>(REDEEM_CACHE_MS, 1_000);

  constructor(
    private readonly rewards: RewardsRepository,
    private readonly codes: RewardCodesRepository,
    private readonly redemptions: RedemptionsRepository,
    private readonly users: UsersService,
    private readonly content: ContentService,
    private readonly ledger: LedgerService,
    private readonly members: MemberCache,
  ) {}

  async create(caller: Principal, input: CreateRewardDto): Promise<RewardDto> {
    const codePool = input.codePool ?? false;
    if (codePool && input.stock !== undefined && input.stock !== null) {
      throw new BadRequestException('stock: a code pool’s stock is its codes; upload codes instead');
    }
    const reward = await this.rewards.create({
      name: input.name,
      description: input.description,
      kind: input.kind,
      cost: input.cost,
      stock: codePool ? 0 : (input.stock ?? null),
      minTier: this.checkedTier(input.minTier ?? null),
      perMemberLimit: input.perMemberLimit ?? null,
      audience: this.audience(input.audience),
      active: true,
      codePool,
      createdBy: new Types.ObjectId(caller.id),
    } satisfies NewReward);
    return (await this.toDtos([reward], caller))[0];
  }

  async update(caller: Principal, id: string, changes: UpdateRewardDto): Promise<RewardDto> {
    refuseNulls(changes, REWARD_NULLABLE);
    const current = await this.rewards.find(toObjectId(id, 'reward id'));
    if (!current) throw new NotFoundException('Reward not found');
    if (changes.codePool !== undefined && changes.codePool !== current.codePool) {
      throw new BadRequestException('codePool cannot change once a reward exists');
    }
    if (current.codePool && changes.stock !== undefined) {
      throw new BadRequestException('stock: a code pool’s stock is its codes; upload codes instead');
    }
    const set: Record<string, unknown> = {};
    for (const key of ['name', 'description', 'kind', 'cost', 'stock', 'perMemberLimit', 'active'] as const) {
      if (changes[key] !== undefined) set[key] = changes[key];
    }
    if (changes.minTier !== undefined) set.minTier = this.checkedTier(changes.minTier);
    if (changes.audience !== undefined) set.audience = this.audience(changes.audience);
    const updated = Object.keys(set).length ? await this.rewards.update(current._id, set) : current;
    this.recent.delete(current._id.toHexString());
    return (await this.toDtos([updated!], caller))[0];
  }

  /**
   * Members: active rewards aimed at them, cheapest first. Staff: every active one, or (`all`)
   * withdrawn ones too, newest first. A page of `limit`, then `nextCursor` (null at the end).
   */
  async list(caller: Principal, query: CursorQueryDto = {}, all = false): Promise<Page<RewardDto>> {
    const limit = query.limit ?? PAGE_SIZE;
    if (isStaff(caller) && !caller.roles.includes('member')) {
      const before = query.cursor ? toObjectId(query.cursor, 'cursor') : undefined;
      const rows = await this.rewards.listAll(limit + 1, { before, activeOnly: !all });
      const page = toPage(rows, limit, (row) => row);
      return { items: await this.toDtos(page.items, caller), nextCursor: page.nextCursor };
    }
    const after = query.cursor ? readKeyset(query.cursor) : undefined;
    const member = await this.member(caller.id);
    const rows = await this.rewards.listActiveFor(audienceMember(member), limit + 1, after);
    const page = toKeysetPage(rows, limit, (reward) => reward.cost);
    return { items: await this.toDtos(page.rows, caller, member), nextCursor: page.nextCursor };
  }

  async get(caller: Principal, id: string): Promise<RewardDto> {
    const reward = await this.rewards.find(toObjectId(id, 'reward id'));
    if (!reward) throw new NotFoundException('Reward not found');
    if (isStaff(caller) && !caller.roles.includes('member')) return (await this.toDtos([reward], caller))[0];
    const member = await this.member(caller.id);
    if (!reward.active || !inAudience(reward.audience, audienceMember(member))) {
      throw new NotFoundException('Reward not found');
    }
    return (await this.toDtos([reward], caller, member))[0];
  }

  /** The reward a member may redeem: 404 when withdrawn or not aimed at them, 403 when tier-locked. */
  async redeemable(caller: Principal, id: string): Promise<{ reward: Reward; member: UserRecord }> {
    const rewardId = toObjectId(id, 'reward id');
    // Both read on every redemption: from short-lived caches (see REDEEM_CACHE_MS, MemberCache).
    const [reward, member] = await Promise.all([
      this.recent.getOrLoad(id, () => this.rewards.find(rewardId)),
      this.members.get(new Types.ObjectId(caller.id)),
    ]);
    if (!member) throw new NotFoundException('User not found');
    if (!reward || !reward.active || !inAudience(reward.audience, audienceMember(member))) {
      throw new NotFoundException('Reward not found');
    }
    if (reward.minTier && this.content.tierRank(member.tierKey) < this.content.tierRank(reward.minTier)) {
      throw new ForbiddenException(`This reward is for ${this.content.tier(reward.minTier).name} members and above`);
    }
    return { reward, member };
  }

  async uploadCodes(id: string, text: string): Promise<UploadCodesResultDto> {
    const reward = await this.rewards.find(toObjectId(id, 'reward id'));
    if (!reward) throw new NotFoundException('Reward not found');
    if (!reward.codePool) throw new BadRequestException('This reward has no code pool (create it with codePool: true)');
    const { codes, repeated } = parseCodes(text);
    const result = await this.codes.appendCodes(reward._id, codes);
    const after = await this.rewards.find(reward._id);
    return { added: result.added, duplicates: result.duplicates + repeated, stock: after?.stock ?? 0 };
  }

  private async toDtos(rewards: Reward[], caller: Principal, member?: UserRecord): Promise<RewardDto[]> {
    const donations = rewards.filter((reward) => reward.kind === 'donation').map((reward) => reward._id);
    const holdings = rewards.map((reward) =>
      member && reward.perMemberLimit ? this.rewards.holding(reward._id, member._id) : Promise.resolve(0),
    );
    const [given, balance, held] = await Promise.all([
      this.redemptions.givenTo(donations),
      member ? this.ledger.wallet(caller.id).then((wallet) => wallet.balance) : Promise.resolve(0),
      Promise.all(holdings),
    ]);
    const tierRank = member ? this.content.tierRank(member.tierKey) : 0;
    const tier = (key: string) => {
      const found = this.content.tiers().find((t) => t.key === key);
      return found ? { rank: this.content.tierRank(key), name: found.name } : null;
    };
    return rewards.map((reward, index) => {
      const view: MemberView | null = member ? { balance, tierRank, held: held[index] } : null;
      return mapReward(reward, view, tier, given.get(reward._id.toHexString()));
    });
  }

  private checkedTier(key: string | null): string | null {
    if (key === null) return null;
    if (!this.content.tiers().some((tier) => tier.key === key)) {
      throw new BadRequestException(`minTier: unknown tier "${key}"`);
    }
    return key;
  }

  private audience(input: CreateRewardDto['audience']) {
    return toAudience(
      input,
      this.content.tiers().map((tier) => tier.key),
    );
  }

  private async member(id: string): Promise<UserRecord> {
    const user = await this.users.find(new Types.ObjectId(id));
    if (!user) throw new NotFoundException('User not found');
    return user;
  }
}
