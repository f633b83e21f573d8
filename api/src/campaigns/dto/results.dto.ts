import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { IsObjectIdString } from '../../common/validators';
import { QUESTION_TYPES, type QuestionType } from '../schemas/campaign.schema';
import { QUESTION_ID_PATTERN } from './campaign.dto';

export class NpsDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '% promoters − % detractors, rounded; null without answers',
  })
  score: number | null;
  @ApiProperty() promoters: number;
  @ApiProperty() passives: number;
  @ApiProperty() detractors: number;
}

export class QuestionResultDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: QUESTION_TYPES }) type: QuestionType;
  @ApiProperty() prompt: string;
  @ApiProperty({ description: 'Responses that answered it' }) answered: number;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Scales: count per value; choices: count per option (in order)',
  })
  distribution?: Record<string, number>;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Scales: the mean (2 decimals)' })
  average?: number | null;
  @ApiPropertyOptional({ type: [String], description: 'Text: the latest answers, newest first (all: /texts)' })
  texts?: string[];
}

export class GroupResultDto {
  @ApiProperty({ description: 'Organization id or tier key' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Anonymous campaigns hide groups under 5 responses' }) hidden: boolean;
  @ApiPropertyOptional() responses?: number;
  @ApiPropertyOptional({ type: NpsDto }) nps?: NpsDto;
  @ApiPropertyOptional({ type: [QuestionResultDto] }) questions?: QuestionResultDto[];
}

export class BreakdownsDto {
  @ApiProperty({ type: [GroupResultDto] }) organizations: GroupResultDto[];
  @ApiProperty({ type: [GroupResultDto] }) tiers: GroupResultDto[];
}

export class TrendPointDto {
  @ApiProperty({ description: 'The Monday starting the week (YYYY-MM-DD, in `timezone`)' }) week: string;
  @ApiProperty() responses: number;
  @ApiProperty() promoters: number;
  @ApiProperty() passives: number;
  @ApiProperty() detractors: number;
  @ApiProperty({ type: Number, nullable: true }) score: number | null;
}

export class NpsTrendDto {
  @ApiProperty({ description: 'The zone weeks are counted in (the program’s)' }) timezone: string;
  @ApiProperty({ type: String, nullable: true, description: 'One campaign, or null for every campaign' })
  campaignId: string | null;
  @ApiProperty({ type: [TrendPointDto] }) items: TrendPointDto[];
}

export class ResultsDto {
  @ApiProperty() campaignId: string;
  @ApiProperty() responses: number;
  @ApiProperty({ description: 'Members the campaign is aimed at now' }) audienceSize: number;
  @ApiProperty({ description: 'responses / audienceSize, 0–1 (4 decimals)' }) responseRate: number;
  @ApiPropertyOptional({ type: NpsDto, description: 'The first NPS question’s summary' }) nps?: NpsDto;
  @ApiProperty({ type: [QuestionResultDto] }) questions: QuestionResultDto[];
  @ApiProperty({ type: BreakdownsDto }) breakdowns: BreakdownsDto;
  @ApiProperty({ type: [TrendPointDto], description: 'This campaign’s NPS by week' }) trend: TrendPointDto[];
  @ApiProperty() anonymous: boolean;
}

export class TrendQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 104, default: 12 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(104)
  weeks?: number;

  @ApiPropertyOptional({ description: 'One campaign (none: every campaign with an NPS question)' })
  @IsOptional()
  @IsString()
  @IsObjectIdString('campaignId must be a campaign id')
  campaignId?: string;
}

export class TextsQueryDto {
  @ApiProperty() @IsString() @Matches(QUESTION_ID_PATTERN, { message: 'questionId is not valid' }) questionId: string;

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @IsObjectIdString('cursor must be a nextCursor returned by this list')
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class TextAnswerDto {
  @ApiProperty() responseId: string;
  @ApiProperty() text: string;
  @ApiProperty({ format: 'date-time', description: 'Anonymous campaigns: the day only' }) submittedAt: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Named campaigns only' })
  memberName?: string | null;
}

export class TextPageDto {
  @ApiProperty({ type: [TextAnswerDto] }) items: TextAnswerDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
