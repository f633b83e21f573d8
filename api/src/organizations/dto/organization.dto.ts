import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsIanaZone } from '../../common/validators';

export class CreateOrganizationDto {
  @ApiProperty({ minLength: 1, maxLength: 120, example: 'Northwind Installers' })
  @IsString()
  @Length(1, 120)
  name: string;

  @ApiProperty({ example: 'Europe/Stockholm' })
  @IsIanaZone()
  timezone: string;
}

/** An admin's edit of an organization: either field or both. */
export class UpdateOrganizationDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 120 })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  name?: string;

  @ApiPropertyOptional({ example: 'Europe/Stockholm', description: 'IANA zone its days are counted in' })
  @IsOptional()
  @IsIanaZone()
  timezone?: string;
}

export class CreateTeamDto {
  @ApiProperty({ minLength: 1, maxLength: 80, example: 'North crew' })
  @IsString()
  @Length(1, 80)
  name: string;
}

export class OrganizationDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() timezone: string;
  @ApiProperty() inviteCode: string;
}

export class OrganizationPageDto {
  @ApiProperty({ type: [OrganizationDto] }) items: OrganizationDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class TeamDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() organizationId: string;
  @ApiProperty() inviteCode: string;
}

export class TeamListDto {
  @ApiProperty({ type: [TeamDto] }) items: TeamDto[];
}
