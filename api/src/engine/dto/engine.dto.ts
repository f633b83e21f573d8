import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { ACTIVITY_TYPE_PATTERN } from '../../content/dto/rules-file.dto';
import { TierRefDto } from '../../users/dto/user.dto';
import { IDEMPOTENCY_KEY_PATTERN } from '../../ledger/dto/ledger.dto';
import { IsObjectIdString } from '../../common/validators';

/** Metadata is a small flat map: at most 20 keys, each a short string, a number or a boolean. */
function IsFlatMetadata() {
  return ValidateBy({
    name: 'isFlatMetadata',
    validator: {
      validate: (value: unknown) =>
        !!value &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        Object.keys(value).length <= 20 &&
        Object.entries(value).every(
          ([key, item]) =>
            /^[A-Za-z][A-Za-z0-9_-]{0,39}$/.test(key) &&
            (typeof item === 'number' || typeof item === 'boolean' || (typeof item === 'string' && item.length <= 200)),
        ),
      defaultMessage: () =>
        'metadata must be an object of at most 20 keys with string (≤ 200 chars), number or boolean values',
    },
  });
}

export class RecordActivityDto {
  @ApiPropertyOptional({ description: 'The member (give userId or email)' })
  @IsOptional()
  @IsString()
  @IsObjectIdString('userId must be a user id')
  userId?: string;

  @ApiPropertyOptional({ description: 'The member’s email (give userId or email)' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @IsEmail()
  email?: string;

  @ApiProperty({ example: 'purchase.recorded', description: 'An activity type that a rule names' })
  @IsString()
  @Length(3, 64)
  @Matches(ACTIVITY_TYPE_PATTERN, { message: 'type must look like "purchase.recorded"' })
  type: string;

  @ApiProperty({ example: 'crm-order-10042', maxLength: 128 })
  @IsString()
  @Length(1, 128)
  @Matches(IDEMPOTENCY_KEY_PATTERN, { message: 'idempotencyKey may hold letters, digits and : _ - . @ /' })
  idempotencyKey: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When it happened (default: now); not in the future' })
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;

  @ApiPropertyOptional({ description: 'Units for per-value rules (e.g. euros sold)', example: 120 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  value?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { orderId: '10042' } })
  @IsOptional()
  @IsFlatMetadata()
  metadata?: Record<string, string | number | boolean>;

  @ApiPropertyOptional({ description: 'Shown in the member’s statement (default: the rule’s description)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reason?: string;
}

export class ActivityResultDto {
  @ApiProperty() activityId: string;
  @ApiProperty() pointsAwarded: number;
  @ApiProperty() duplicate: boolean;
}

export class BadgeDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty() icon: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'As in content/badges.yaml' })
  criteria: object;
}

export class BadgeListDto {
  @ApiProperty({ type: [BadgeDto] }) items: BadgeDto[];
}

export class MyBadgeDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date-time' }) earnedAt: string;
}

export class MyBadgeListDto {
  @ApiProperty({ type: [MyBadgeDto] }) items: MyBadgeDto[];
}

export class BadgeProgressDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty() progress: number;
  @ApiProperty() goal: number;
}

export class ProgressDto {
  @ApiProperty({ type: TierRefDto }) tier: TierRefDto;
  @ApiProperty({ type: TierRefDto, nullable: true }) nextTier: TierRefDto | null;
  @ApiProperty({ description: '0 at the top tier' }) pointsToNextTier: number;
  @ApiProperty({ type: [BadgeProgressDto] }) nextBadges: BadgeProgressDto[];
  @ApiProperty({ type: [BadgeProgressDto], description: 'Every badge not yet earned' }) badges: BadgeProgressDto[];
}

export class RunJobDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Run as of this instant (default: now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  asOf?: string;
}
