import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageLimit } from '../../common/validators';
import { encodeCursor } from '../redemptions.repository';
import { REWARD_KINDS, type RewardKind } from '../schemas/reward.schema';
import { REDEMPTION_STATUSES, type Redemption, type RedemptionStatus } from '../schemas/redemption.schema';
import { IsRewardId } from './reward.dto';

export class RedeemDto {
  @ApiPropertyOptional({
    description: 'The same key again returns the same redemption (a phone’s retry): letters, digits, - _ : .',
    maxLength: 100,
    example: 'c0ffee-2026-11-30-1',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(/^[A-Za-z0-9_.:-]+$/, { message: 'idempotencyKey may hold letters, digits and - _ : .' })
  idempotencyKey?: string;
}

export class DecisionNoteDto {
  @ApiPropertyOptional({ maxLength: 500, description: 'Told to the member (e.g. why it was rejected)' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  note?: string;
}

export class FulfilDto extends DecisionNoteDto {
  @ApiPropertyOptional({
    maxLength: 100,
    description: 'A code for the member (a voucher from a fulfilment partner); only its member sees it',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(/^[\x21-\x7e](?:[\x20-\x7e]{0,98}[\x21-\x7e])?$/, { message: 'code must be printable characters' })
  code?: string;
}

const CURSOR = /^\d{1,15}_[0-9a-f]{32}$/;

export class RedemptionPageDto {
  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @Matches(CURSOR, { message: 'cursor must be a nextCursor returned by this list' })
  cursor?: string;

  @PageLimit(20)
  limit?: number;
}

export class RedemptionQueryDto extends RedemptionPageDto {
  @ApiPropertyOptional({ enum: REDEMPTION_STATUSES })
  @IsOptional()
  @IsIn(REDEMPTION_STATUSES)
  status?: RedemptionStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsRewardId()
  rewardId?: string;
}

export class RedemptionCsvQueryDto {
  @ApiPropertyOptional({ enum: REDEMPTION_STATUSES, default: 'pending' })
  @IsOptional()
  @IsIn(REDEMPTION_STATUSES)
  status?: RedemptionStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsRewardId()
  rewardId?: string;
}

export const decodeCursor = (cursor: string) => {
  const [ms, id] = cursor.split('_');
  return { createdAt: new Date(Number(ms)), id };
};

export class RedemptionMemberDto {
  @ApiProperty() id: string;
  @ApiProperty() displayName: string;
  @ApiProperty() email: string;
}

export class RedemptionDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: REDEMPTION_STATUSES }) status: RedemptionStatus;
  @ApiProperty() cost: number;
  @ApiProperty() rewardId: string;
  @ApiProperty() rewardName: string;
  @ApiProperty({ enum: REWARD_KINDS }) rewardKind: RewardKind;
  @ApiProperty({ type: String, nullable: true, description: 'A code pool’s code: only its member sees it' })
  code: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The admin’s note on fulfilment or rejection' })
  note: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt: string | null;
  @ApiPropertyOptional({ type: RedemptionMemberDto, description: 'Admin lists: who redeemed it' })
  member?: RedemptionMemberDto;
}

/** Stored states shown to people: a code still being handed out is pending. */
export function statusOf(redemption: Pick<Redemption, 'state'>): RedemptionStatus {
  return redemption.state === 'issuing' || redemption.state === 'reserving' || redemption.state === 'failed'
    ? 'pending'
    : redemption.state;
}

export function mapRedemption(
  row: Redemption,
  options: { showCode: boolean; member?: RedemptionMemberDto } = { showCode: true },
): RedemptionDto {
  return {
    id: row._id,
    status: statusOf(row),
    cost: row.cost,
    rewardId: row.rewardId.toHexString(),
    rewardName: row.rewardName,
    rewardKind: row.rewardKind,
    code: options.showCode ? row.code : null,
    note: row.note,
    createdAt: row.createdAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
    ...(options.member ? { member: options.member } : {}),
  };
}

export const nextCursorOf = (rows: Redemption[], limit: number) =>
  rows.length > limit ? encodeCursor(rows[limit - 1]) : null;

export class RedemptionListDto {
  @ApiProperty({ type: [RedemptionDto] }) items: RedemptionDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
