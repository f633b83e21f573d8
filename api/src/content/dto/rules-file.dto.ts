import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export const ACTIVITY_TYPE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

export class CapsDto {
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) day?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) week?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) month?: number;
}

export class RuleDto {
  @ApiProperty({ example: 'lesson.completed' })
  @IsString()
  @Matches(ACTIVITY_TYPE_PATTERN, { message: 'activityType must look like "lesson.completed"' })
  activityType: string;

  @ApiProperty({ example: 20 })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  points: number;

  @ApiProperty({ enum: ['activity', 'value'] })
  @IsIn(['activity', 'value'])
  per: 'activity' | 'value';

  @ApiPropertyOptional({
    example: 75,
    description:
      'per: value only — the value of an activity reported without one (else a value is required). ' +
      'Lets a feature pay its own amount (an event’s points) while a bare report still pays this many units.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  defaultValue?: number;

  @ApiPropertyOptional({ type: CapsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CapsDto)
  caps?: CapsDto;

  @ApiPropertyOptional({
    description: 'Tier key → factor; overrides the program-wide multipliers',
    type: 'object',
    additionalProperties: { type: 'number' },
  })
  @IsOptional()
  tierMultipliers?: Record<string, number>;

  @ApiProperty()
  @IsString()
  @Length(1, 300)
  description: string;
}

export class ExpiryDto {
  @IsInt()
  @Min(1)
  @Max(120)
  months: number;
}

/** content/rules.yaml */
export class RulesFileDto {
  @IsOptional()
  tierMultipliers?: Record<string, number>;

  @ValidateNested()
  @Type(() => ExpiryDto)
  expiry: ExpiryDto;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => RuleDto)
  rules: RuleDto[];
}

export class RuleListDto {
  @ApiProperty({ type: [RuleDto] }) items: RuleDto[];
}

export class TipsFileDto {
  @IsArray()
  @IsString({ each: true })
  @Length(1, 300, { each: true })
  tips: string[];
}

export class MultiplierCheck {
  @IsNumber() @Min(1) @Max(10) factor: number;
}
