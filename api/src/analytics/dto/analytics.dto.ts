import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { IsObjectIdString } from '../../common/validators';

export const METRICS = [
  'activeMembers',
  'pointsIssued',
  'pointsRedeemed',
  'nps',
  'lessonsCompleted',
  'eventsAttended',
  'responses',
  'redemptions',
  'pointsExpired',
  'activities',
] as const;
export type Metric = (typeof METRICS)[number];
export const INTERVALS = ['day', 'week'] as const;
export type Interval = (typeof INTERVALS)[number];

const DAY_DOC =
  'A day (2026-11-01) or an instant (2026-11-01T08:00:00Z, read as its calendar day in the organization’s zone)';

export class RangeQueryDto {
  @ApiPropertyOptional({ description: `${DAY_DOC}; default: 29 days before \`to\`` })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO date' })
  from?: string;

  @ApiPropertyOptional({ description: `${DAY_DOC}, included; default: today` })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO date' })
  to?: string;
}

export class AnalyticsQueryDto extends RangeQueryDto {
  @ApiPropertyOptional({
    description: 'Default: the caller’s organization, or the whole program for staff without one',
  })
  @IsOptional()
  @IsObjectIdString('organizationId must be an organization id')
  organizationId?: string;
}

export class SeriesQueryDto extends AnalyticsQueryDto {
  @ApiProperty({ enum: METRICS })
  @IsIn(METRICS, { message: `metric must be one of ${METRICS.join(', ')}` })
  metric: Metric;

  @ApiPropertyOptional({ enum: INTERVALS, default: 'day' })
  @IsOptional()
  @IsIn(INTERVALS, { message: 'interval must be day or week' })
  interval?: Interval;
}

export class ByFeatureDto {
  @ApiProperty({ description: 'Lessons completed, quizzes passed and courses completed' }) learning: number;
  @ApiProperty({ description: 'Challenges completed' }) challenges: number;
  @ApiProperty({ description: 'Event and webinar check-ins' }) events: number;
  @ApiProperty({ description: 'Feedback campaign responses' }) feedback: number;
  @ApiProperty({ description: 'Redemptions (refunded ones apart)' }) rewards: number;
}

export class OverviewDto {
  @ApiProperty({ format: 'date', description: 'First day of the range (in `timezone`)' }) from: string;
  @ApiProperty({ format: 'date', description: 'Last day of the range, included' }) to: string;
  @ApiProperty({ example: 'Europe/Stockholm' }) timezone: string;
  @ApiProperty({ type: String, nullable: true, description: 'null: the whole program' }) organizationId: string | null;
  @ApiProperty({ description: 'Users holding the member role now' }) members: number;
  @ApiProperty({ description: 'Distinct people with at least one activity in the range' }) activeMembers: number;
  @ApiProperty({ description: 'activeMembers ÷ members, 0–1' }) participationRate: number;
  @ApiProperty({ type: ByFeatureDto }) byFeature: ByFeatureDto;
  @ApiProperty({ description: 'Points earned by activities in the range (adjustments apart)' }) pointsIssued: number;
  @ApiProperty({ description: 'Points spent on rewards in the range, refunds deducted' }) pointsRedeemed: number;
  @ApiProperty({ description: 'Points expired in the range' }) pointsExpired: number;
  @ApiProperty({ description: 'Net admin adjustments in the range' }) pointsAdjusted: number;
  @ApiProperty({ description: 'The members’ balances now: the program’s liability' }) pointsOutstanding: number;
  @ApiProperty() activities: number;
  @ApiProperty() redemptions: number;
  @ApiProperty({ description: 'Campaign responses (incentive activities)' }) responses: number;
  @ApiProperty({ type: Number, nullable: true, description: 'NPS (−100…100) of the answers in the range' }) nps:
    number | null;
  @ApiProperty({ description: 'NPS answers in the range' }) npsAnswers: number;
}

export class SeriesItemDto {
  @ApiProperty({
    format: 'date-time',
    description: 'Start of the period in the zone (the range’s start for the first)',
  })
  start: string;
  @ApiProperty({ type: Number, nullable: true, description: 'null: NPS without answers' }) value: number | null;
}

export class SeriesDto {
  @ApiProperty({ enum: METRICS }) metric: Metric;
  @ApiProperty({ enum: INTERVALS }) interval: Interval;
  @ApiProperty() timezone: string;
  @ApiProperty({ type: String, nullable: true }) organizationId: string | null;
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ type: [SeriesItemDto] }) items: SeriesItemDto[];
}

export class OrganizationFiguresDto {
  @ApiProperty() organizationId: string;
  @ApiProperty() name: string;
  @ApiProperty() timezone: string;
  @ApiProperty() members: number;
  @ApiProperty() activeMembers: number;
  @ApiProperty() participationRate: number;
  @ApiProperty() pointsIssued: number;
  @ApiProperty() pointsOutstanding: number;
  @ApiProperty({ type: Number, nullable: true }) nps: number | null;
}

export class OrganizationsFiguresDto {
  @ApiProperty({ format: 'date', description: 'Each organization’s range is these days in its own zone' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ type: [OrganizationFiguresDto] }) items: OrganizationFiguresDto[];
}
