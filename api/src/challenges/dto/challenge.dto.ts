import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { mapAudience } from '../../common/audience/audience';
import { AudienceDto } from '../../common/audience/audience.dto';
import { ACTIVITY_TYPE_PATTERN } from '../../content/dto/rules-file.dto';
import { CHALLENGE_KINDS, type Challenge, type ChallengeKind } from '../schemas/challenge.schema';
import { SUBMISSION_STATUSES, type Submission, type SubmissionStatus } from '../schemas/submission.schema';
import type { NullableFields } from '../../common/patch';

export class GoalDto {
  @ApiProperty({ example: 'lesson.completed' })
  @IsString()
  @Matches(ACTIVITY_TYPE_PATTERN, { message: 'goal.activityType must be an activity type' })
  activityType: string;

  @ApiProperty({ example: 3 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  count: number;
}

export class CreateChallengeDto {
  @ApiProperty({ maxLength: 120 }) @IsString() @Length(1, 120) title: string;
  @ApiProperty({ maxLength: 2000 }) @IsString() @Length(1, 2000) description: string;
  @ApiProperty({ enum: CHALLENGE_KINDS }) @IsIn(CHALLENGE_KINDS) kind: ChallengeKind;
  @ApiProperty({ example: 100 }) @IsInt() @Min(0) @Max(100_000) points: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'A badge from content/badges.yaml, granted on completion; null removes it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(48)
  badgeKey?: string | null;

  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) endsAt: string;

  @ApiPropertyOptional({ type: GoalDto, description: 'Required for auto and team challenges' })
  @IsOptional()
  @ValidateNested()
  @Type(() => GoalDto)
  goal?: GoalDto;

  @ApiPropertyOptional({ type: AudienceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AudienceDto)
  audience?: AudienceDto;
}

export class UpdateChallengeDto extends PartialType(CreateChallengeDto) {}

/** What a PATCH may set to null (see refuseNulls): `badgeKey: null` removes the badge. */
export const CHALLENGE_NULLABLE: NullableFields<UpdateChallengeDto> = ['badgeKey'];

export class MyProgressDto {
  @ApiProperty() count: number;
  @ApiProperty() goal: number;
  @ApiProperty({ enum: ['open', 'pending', 'completed'] }) status: 'open' | 'pending' | 'completed';
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'The manager’s comment on my last rejected submission',
  })
  rejectionComment?: string | null;

  @ApiPropertyOptional({
    enum: ['pending', 'approved', 'rejected'],
    nullable: true,
    description: 'Evidence challenges: the status of my last submission (null: none yet)',
  })
  lastSubmissionStatus?: 'pending' | 'approved' | 'rejected' | null;
}

export class TeamProgressDto {
  @ApiProperty({ type: String, nullable: true }) teamId: string | null;
  @ApiProperty() count: number;
  @ApiProperty() goal: number;
  @ApiProperty() completed: boolean;
}

export class ChallengeDto {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: CHALLENGE_KINDS }) kind: ChallengeKind;
  @ApiProperty() points: number;
  @ApiProperty({ type: String, nullable: true }) badgeKey: string | null;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty({ type: GoalDto, nullable: true }) goal: GoalDto | null;
  @ApiProperty({ type: AudienceDto }) audience: Required<AudienceDto>;
  @ApiProperty({ type: MyProgressDto }) myProgress: MyProgressDto;
  @ApiPropertyOptional({ type: TeamProgressDto }) teamProgress?: TeamProgressDto;
}

export function mapChallenge(
  challenge: Challenge,
  myProgress: MyProgressDto,
  teamProgress?: TeamProgressDto,
): ChallengeDto {
  return {
    id: challenge._id.toHexString(),
    title: challenge.title,
    description: challenge.description,
    kind: challenge.kind,
    points: challenge.points,
    badgeKey: challenge.badgeKey,
    startsAt: challenge.startsAt.toISOString(),
    endsAt: challenge.endsAt.toISOString(),
    goal: challenge.goal ? { activityType: challenge.goal.activityType, count: challenge.goal.count } : null,
    audience: mapAudience(challenge.audience),
    myProgress,
    ...(teamProgress ? { teamProgress } : {}),
  };
}

export class ChallengeListDto {
  @ApiProperty({ type: [ChallengeDto] }) items: ChallengeDto[];
}

export class CreateSubmissionDto {
  @ApiProperty({ maxLength: 2000 }) @IsString() @Length(1, 2000) text: string;

  @ApiPropertyOptional({ example: 'https://photos.example.com/site-42.jpg' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'url must be an http(s) address' })
  url?: string;
}

export class DecisionDto {
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @Length(1, 500) comment?: string;
}

export class SubmissionQueryDto {
  @ApiPropertyOptional({ enum: SUBMISSION_STATUSES })
  @IsOptional()
  @IsIn(SUBMISSION_STATUSES)
  status?: SubmissionStatus;
}

export class SubmissionDto {
  @ApiProperty() id: string;
  @ApiProperty() challengeId: string;
  @ApiProperty() challengeTitle: string;
  @ApiProperty() userId: string;
  @ApiProperty() displayName: string;
  @ApiProperty() text: string;
  @ApiProperty({ type: String, nullable: true }) url: string | null;
  @ApiProperty({ enum: SUBMISSION_STATUSES }) status: SubmissionStatus;
  @ApiProperty({ type: String, nullable: true }) comment: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt: string | null;
}

export function mapSubmission(row: Submission, challengeTitle: string, displayName: string): SubmissionDto {
  return {
    id: row._id.toHexString(),
    challengeId: row.challengeId.toHexString(),
    challengeTitle,
    userId: row.userId.toHexString(),
    displayName,
    text: row.text,
    url: row.url,
    status: row.status,
    comment: row.comment,
    createdAt: row.createdAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
  };
}

export class SubmissionListDto {
  @ApiProperty({ type: [SubmissionDto] }) items: SubmissionDto[];
}

export class CreatedSubmissionDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['pending'] }) status: 'pending';
}
