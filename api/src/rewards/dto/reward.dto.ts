import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { mapAudience } from '../../common/audience/audience';
import { AudienceDto } from '../../common/audience/audience.dto';
import { CursorQueryDto } from '../../common/pagination';
import { REWARD_KINDS, type Reward, type RewardKind } from '../schemas/reward.schema';
import type { NullableFields } from '../../common/patch';

export class CreateRewardDto {
  @ApiProperty({ maxLength: 120, example: '€25 hardware store gift card' }) @IsString() @Length(1, 120) name: string;
  @ApiProperty({ maxLength: 2000 }) @IsString() @Length(1, 2000) description: string;
  @ApiProperty({ enum: REWARD_KINDS }) @IsIn(REWARD_KINDS) kind: RewardKind;
  @ApiProperty({ example: 500, description: 'Points' }) @IsInt() @Min(1) @Max(10_000_000) cost: number;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'Units left; none or null: unlimited. A code pool’s stock is its codes left (upload codes instead).',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  stock?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'gold', description: 'Lower tiers see it locked' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @MaxLength(32)
  minTier?: string | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'At most this many per member (pending or fulfilled)',
  })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsInt()
  @Min(1)
  @Max(1000)
  perMemberLimit?: number | null;

  @ApiPropertyOptional({ type: AudienceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AudienceDto)
  audience?: AudienceDto;

  @ApiPropertyOptional({ description: 'Fulfilled at once with an uploaded code (gift cards, discount codes)' })
  @IsOptional()
  @IsBoolean()
  codePool?: boolean;
}

export class UpdateRewardDto extends PartialType(CreateRewardDto) {
  @ApiPropertyOptional({ description: 'false withdraws it from the catalog' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** What a PATCH may set to null (see refuseNulls): no stock limit, no minimum tier, no per-member limit. */
export const REWARD_NULLABLE: NullableFields<UpdateRewardDto> = ['stock', 'minTier', 'perMemberLimit'];

export class RewardQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({ description: 'Admins: include withdrawn rewards (the catalog editor)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  all?: 'true' | 'false';
}

export class UploadCodesDto {
  @ApiProperty({
    description: 'Codes pasted one per line, or a CSV file’s text (a "code" column, else the first column)',
    maxLength: 500_000,
  })
  @IsString()
  @Length(1, 500_000)
  @Transform(({ value }: { value: unknown }) => value)
  codes: string;
}

export class UploadCodesResultDto {
  @ApiProperty() added: number;
  @ApiProperty({ description: 'Codes already in the pool (or repeated in the upload), skipped' }) duplicates: number;
  @ApiProperty({ description: 'Codes left to hand out' }) stock: number;
}

export class TierRefDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
}

export class DonationTotalDto {
  @ApiProperty({ description: 'Points members have given so far' }) points: number;
  @ApiProperty() donations: number;
}

export class RewardDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: REWARD_KINDS }) kind: RewardKind;
  @ApiProperty() cost: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Left; null: unlimited' }) stock: number | null;
  @ApiProperty({ type: String, nullable: true }) minTier: string | null;
  @ApiProperty({ type: TierRefDto, nullable: true, description: 'The tier needed, when there is one' })
  requiredTier: TierRefDto | null;
  @ApiProperty({ type: Number, nullable: true }) perMemberLimit: number | null;
  @ApiProperty() active: boolean;
  @ApiProperty() codePool: boolean;
  @ApiProperty({ description: 'My balance covers it' }) affordable: boolean;
  @ApiProperty({ description: 'My tier is below minTier' }) locked: boolean;
  @ApiProperty({ description: 'Points I still need (0 when affordable)' }) pointsNeeded: number;
  @ApiProperty({ description: 'How many I hold (pending or fulfilled), for perMemberLimit' }) redeemedByMe: number;
  @ApiPropertyOptional({ type: DonationTotalDto, description: 'Donations: what members have given so far' })
  given?: DonationTotalDto;
  @ApiProperty({ type: AudienceDto }) audience: Required<AudienceDto>;
}

export interface MemberView {
  balance: number;
  tierRank: number;
  held: number;
}

export function mapReward(
  reward: Reward,
  view: MemberView | null,
  tier: (key: string) => { rank: number; name: string } | null,
  given?: { points: number; donors: number },
): RewardDto {
  const required = reward.minTier ? tier(reward.minTier) : null;
  const balance = view?.balance ?? 0;
  return {
    id: reward._id.toHexString(),
    name: reward.name,
    description: reward.description,
    kind: reward.kind,
    cost: reward.cost,
    stock: reward.stock,
    minTier: reward.minTier,
    requiredTier: required && reward.minTier ? { key: reward.minTier, name: required.name } : null,
    perMemberLimit: reward.perMemberLimit,
    active: reward.active,
    codePool: reward.codePool,
    affordable: view !== null && balance >= reward.cost,
    locked: view !== null && required !== null && view.tierRank < required.rank,
    pointsNeeded: Math.max(0, reward.cost - balance),
    redeemedByMe: view?.held ?? 0,
    ...(reward.kind === 'donation' ? { given: { points: given?.points ?? 0, donations: given?.donors ?? 0 } } : {}),
    audience: mapAudience(reward.audience),
  };
}

export class RewardListDto {
  @ApiProperty({ type: [RewardDto] }) items: RewardDto[];
  @ApiProperty({ type: String, nullable: true, description: 'The next page’s cursor; null on the last page' })
  nextCursor: string | null;
}

/** A reward id in a path. */
export const REWARD_ID = /^[0-9a-f]{24}$/;
export const IsRewardId = () => Matches(REWARD_ID, { message: 'rewardId must be a reward id' });
