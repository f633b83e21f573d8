import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { UserDto } from '../../users/dto/user.dto';

export class LoginDto {
  @ApiProperty({ example: 'ana@northwind.example' })
  @IsString()
  @MaxLength(254)
  @IsEmail()
  email: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  password: string;
}

export class RegisterDto {
  @ApiProperty({ example: 'new.member@northwind.example' })
  @IsString()
  @MaxLength(254)
  @IsEmail()
  email: string;

  @ApiProperty({ minLength: 8, maxLength: 200 })
  @IsString()
  @Length(8, 200, { message: 'password must be 8 to 200 characters' })
  password: string;

  @ApiProperty({ minLength: 1, maxLength: 80, example: 'Ana Lind' })
  @IsString()
  @Length(1, 80)
  displayName: string;

  @ApiProperty({ description: 'An organization’s or a team’s invite code', example: 'NORTHWND' })
  @IsString()
  @Length(4, 32)
  @Matches(/^\s*[A-Za-z0-9-]+\s*$/, { message: 'inviteCode may hold letters, digits and -' })
  inviteCode: string;

  @ApiPropertyOptional({ description: 'A colleague’s referral code' })
  @IsOptional()
  @IsString()
  @Length(4, 32)
  @Matches(/^[A-Za-z0-9-]+$/, { message: 'referralCode may hold letters, digits and -' })
  referralCode?: string;
}

export class SessionDto {
  @ApiProperty() accessToken: string;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ type: UserDto }) user: UserDto;
}
