import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { mapAudience } from '../../common/audience/audience';
import { AudienceDto } from '../../common/audience/audience.dto';
import { QUESTION_TYPES, type Campaign, type QuestionType } from '../schemas/campaign.schema';
import type { Answers } from '../schemas/response.schema';
import type { NullableFields } from '../../common/patch';

export const QUESTION_ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;
export const MAX_QUESTIONS = 30;
export const MAX_OPTIONS = 20;

export class QuestionDto {
  @ApiProperty({ example: 'recommend', description: 'Unique within the campaign: letters, digits, - and _' })
  @IsString()
  @Matches(QUESTION_ID_PATTERN, { message: 'questions.id must be 1–40 letters, digits, - or _' })
  id: string;

  @ApiProperty({ enum: QUESTION_TYPES, description: '`nps` 0–10, `rating` 1–5, `single`/`multi` choice, `text`' })
  @IsIn(QUESTION_TYPES)
  type: QuestionType;

  @ApiProperty({ maxLength: 500 }) @IsString() @Length(1, 500) prompt: string;

  @ApiPropertyOptional({ type: [String], description: 'Choice questions: 2–20 distinct options' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_OPTIONS)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  options?: string[];

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() required?: boolean;
}

export class CreateCampaignDto {
  @ApiProperty({ maxLength: 120 }) @IsString() @Length(1, 120) title: string;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @MaxLength(2000) description?: string;

  @ApiProperty({ type: [QuestionDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_QUESTIONS)
  @ValidateNested({ each: true })
  @Type(() => QuestionDto)
  questions: QuestionDto[];

  @ApiProperty({ example: 30, description: 'Points each member earns for a response (once)' })
  @IsInt()
  @Min(0)
  @Max(100_000)
  incentivePoints: number;

  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) opensAt: string;
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) closesAt: string;

  @ApiPropertyOptional({ type: AudienceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AudienceDto)
  audience?: AudienceDto;

  @ApiPropertyOptional({ default: false, description: 'Answers are stored without the member' })
  @IsOptional()
  @IsBoolean()
  anonymous?: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'A badge from content/badges.yaml, granted with the response (e.g. a beta tester badge)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(48)
  badgeKey?: string | null;
}

/** Any field of a campaign; only while it has no response. */
export class UpdateCampaignDto extends PartialType(CreateCampaignDto) {}

/** What a PATCH may set to null (see refuseNulls): `badgeKey: null` removes the badge. */
export const CAMPAIGN_NULLABLE: NullableFields<UpdateCampaignDto> = ['badgeKey'];

export class RespondDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: {
      oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'array', items: { type: 'string' } }],
    },
    example: { recommend: 9, why: 'Fast support', features: ['Reports', 'Mobile app'] },
    description: 'question id → a number (nps, rating), an option (single), options (multi) or text',
  })
  @IsObject()
  answers: Answers;
}

export class QuestionOutDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: QUESTION_TYPES }) type: QuestionType;
  @ApiProperty() prompt: string;
  @ApiProperty({ type: [String] }) options: string[];
  @ApiProperty() required: boolean;
}

export const CAMPAIGN_STATUSES = ['upcoming', 'open', 'closed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export class CampaignDto {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [QuestionOutDto] }) questions: QuestionOutDto[];
  @ApiProperty() incentivePoints: number;
  @ApiProperty({ format: 'date-time' }) opensAt: string;
  @ApiProperty({ format: 'date-time' }) closesAt: string;
  @ApiProperty({ type: AudienceDto }) audience: Required<AudienceDto>;
  @ApiProperty() anonymous: boolean;
  @ApiProperty({ type: String, nullable: true }) badgeKey: string | null;
  @ApiProperty({ enum: CAMPAIGN_STATUSES }) status: CampaignStatus;
  @ApiPropertyOptional({ description: 'Members: whether I have answered' }) responded?: boolean;
  @ApiPropertyOptional({ description: 'Product: responses so far' }) responses?: number;
  @ApiPropertyOptional({ description: 'Product: members the campaign is aimed at' }) audienceSize?: number;
  @ApiPropertyOptional({ description: 'Product: responses / audienceSize (0–1)' }) responseRate?: number;
  @ApiPropertyOptional({ description: 'Product: no response yet, so it may still be edited' }) editable?: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export function campaignStatus(campaign: Pick<Campaign, 'opensAt' | 'closesAt'>, now = new Date()): CampaignStatus {
  if (now < campaign.opensAt) return 'upcoming';
  return now < campaign.closesAt ? 'open' : 'closed';
}

export function mapCampaign(campaign: Campaign, extra: Partial<CampaignDto> = {}): CampaignDto {
  return {
    id: campaign._id.toHexString(),
    title: campaign.title,
    description: campaign.description,
    questions: campaign.questions.map((q) => ({
      id: q.id,
      type: q.type,
      prompt: q.prompt,
      options: [...(q.options ?? [])],
      required: q.required,
    })),
    incentivePoints: campaign.incentivePoints,
    opensAt: campaign.opensAt.toISOString(),
    closesAt: campaign.closesAt.toISOString(),
    audience: mapAudience(campaign.audience),
    anonymous: campaign.anonymous,
    badgeKey: campaign.badgeKey,
    status: campaignStatus(campaign),
    createdAt: campaign.createdAt.toISOString(),
    ...extra,
  };
}

export class CampaignListDto {
  @ApiProperty({ type: [CampaignDto] }) items: CampaignDto[];
  @ApiProperty({ type: String, nullable: true, description: 'The next page’s cursor; null on the last page' })
  nextCursor: string | null;
}

export class RespondedDto {
  @ApiProperty({ description: 'Points credited for this response (0 when the incentive is 0)' }) pointsAwarded: number;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'The badge granted with it' })
  badgeKey?: string | null;
}
