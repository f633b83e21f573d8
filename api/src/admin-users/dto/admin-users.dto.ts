import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { IsObjectIdString } from '../../common/validators';
import { PointsDto, UserDto } from '../../users/dto/user.dto';

export class UserSearchQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ maxLength: 100, description: 'Part of the name or email (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'Only this organization’s people' })
  @IsOptional()
  @IsString()
  @IsObjectIdString('organizationId must be an organization id')
  organizationId?: string;
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items: UserDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class AdminUserDto extends UserDto {
  @ApiProperty({ type: PointsDto, description: 'The wallet now' }) points: PointsDto;
}
