import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ROLES, type Role } from '../roles';
import { IsObjectIdString } from '../validators';

/** Who something is aimed at; every list optional, an empty or missing one means everyone. */
export class AudienceDto {
  @ApiPropertyOptional({ type: [String], description: 'Organizations (none: every organization)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsObjectIdString('organizationIds must be organization ids', { each: true })
  organizationIds?: string[];

  @ApiPropertyOptional({ type: [String], example: ['gold', 'platinum'], description: 'Tiers (none: every tier)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(32, { each: true })
  tiers?: string[];

  @ApiPropertyOptional({ enum: ROLES, isArray: true, description: 'Roles (none: every role)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(ROLES, { each: true })
  roles?: Role[];
}
