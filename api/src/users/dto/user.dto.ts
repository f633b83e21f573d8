import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
} from 'class-validator';
import { IsIanaZone } from '../../common/validators';
import { ROLES, type Role } from '../../common/roles';
import { SUPPORTED_LOCALES } from '../../common/locales';

export class PointsDto {
  @ApiProperty() balance: number;
  @ApiProperty() lifetime: number;
  @ApiProperty() qualifying: number;
}

export class TierRefDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
}

export class UserDto {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty({ type: String, nullable: true }) organizationId: string | null;
  @ApiProperty({ type: String, nullable: true }) teamId: string | null;
  @ApiProperty() locale: string;
  @ApiProperty({ type: String, nullable: true, description: 'IANA zone; null: use the device zone' })
  timezone: string | null;
  @ApiProperty() leaderboardOptIn: boolean;
}

export class MeDto extends UserDto {
  @ApiProperty({ type: PointsDto }) points: PointsDto;
  @ApiProperty({ type: TierRefDto }) tier: TierRefDto;
}

export class UpdateMeDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 80 })
  @IsOptional()
  @IsString()
  @Length(1, 80)
  displayName?: string;

  @ApiPropertyOptional({ enum: SUPPORTED_LOCALES })
  @IsOptional()
  @IsIn(SUPPORTED_LOCALES)
  locale?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Europe/Stockholm' })
  @IsOptional()
  @IsIanaZone()
  timezone?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  leaderboardOptIn?: boolean;
}

export class SetRolesDto {
  @ApiProperty({ enum: ROLES, isArray: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles: Role[];
}

export class MemberSummaryDto {
  @ApiProperty() id: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ type: String, nullable: true }) teamId: string | null;
  @ApiPropertyOptional({ description: 'staff only' }) email?: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
}

export class MemberPageDto {
  @ApiProperty({ type: [MemberSummaryDto] }) items: MemberSummaryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
