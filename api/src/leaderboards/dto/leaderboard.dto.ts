import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PERIODS, type Period } from '../periods';
import { IsObjectIdString, PageLimit } from '../../common/validators';

export const SCOPES = ['individual', 'team', 'organization'] as const;
export type Scope = (typeof SCOPES)[number];

export class LeaderboardQueryDto {
  @ApiProperty({ enum: SCOPES }) @IsIn(SCOPES) scope: Scope;
  @ApiProperty({ enum: PERIODS }) @IsIn(PERIODS) period: Period;

  @ApiPropertyOptional({ description: 'Individual and team boards: the organization (default: mine)' })
  @IsOptional()
  @IsObjectIdString('organizationId must be an organization id')
  organizationId?: string;

  @PageLimit(10)
  limit?: number;
}

/** `leaderboard.subscribe` / `leaderboard.unsubscribe` payloads (socket). */
export class LeaderboardSubscriptionDto {
  @IsIn(SCOPES) scope: Scope;
  @IsIn(PERIODS) period: Period;

  @IsOptional()
  @IsObjectIdString('organizationId must be an organization id')
  organizationId?: string;
}

export class LeaderboardItemDto {
  @ApiProperty() rank: number;
  @ApiProperty() id: string;
  @ApiProperty({ description: '"Anonymous member" for members who opted out' }) name: string;
  @ApiProperty() points: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Individual boards: the member’s team' })
  teamName?: string | null;
}

export class MyStandingDto {
  @ApiProperty() rank: number;
  @ApiProperty() points: number;
}

export class LeaderboardDto {
  @ApiProperty({ enum: SCOPES }) scope: Scope;
  @ApiProperty({ enum: PERIODS }) period: Period;
  @ApiProperty({ type: String, nullable: true }) organizationId: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null for all time' }) start:
    string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) end: string | null;
  @ApiProperty({ example: 'Europe/Stockholm' }) timezone: string;
  @ApiProperty({ type: [LeaderboardItemDto] }) items: LeaderboardItemDto[];
  @ApiProperty({ type: MyStandingDto, nullable: true }) me: MyStandingDto | null;
}
