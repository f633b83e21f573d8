import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsInt, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';

export class TierDto {
  @ApiProperty({ example: 'gold' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,31}$/)
  key: string;

  @ApiProperty({ example: 'Gold' })
  @IsString()
  @Length(1, 40)
  name: string;

  @ApiProperty({ description: 'Qualifying points needed', example: 5000 })
  @IsInt()
  @Min(0)
  threshold: number;

  @ApiProperty({ type: [String] })
  @IsArray()
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  benefits: string[];
}

export class QualificationWindowDto {
  @IsInt()
  @Min(1)
  @Max(36)
  months: number;
}

/** content/tiers.yaml */
export class TiersFileDto {
  @ValidateNested()
  @Type(() => QualificationWindowDto)
  qualificationWindow: QualificationWindowDto;

  @IsInt()
  @Min(0)
  @Max(365)
  downgradeGraceDays: number;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => TierDto)
  tiers: TierDto[];
}

export class TierListDto {
  @ApiProperty({ type: [TierDto] }) items: TierDto[];
}
