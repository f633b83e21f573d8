import { ApiProperty } from '@nestjs/swagger';
import { REFERRAL_STATUSES, type ReferralStatus } from '../schemas/referral.schema';

export class ReferredMemberDto {
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: REFERRAL_STATUSES }) status: ReferralStatus;
  @ApiProperty({ format: 'date-time' }) joinedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) convertedAt: string | null;
  @ApiProperty({ description: 'Points I earned for it' }) points: number;
}

export class MyReferralDto {
  @ApiProperty({ example: 'K7M3Q9P' }) code: string;
  @ApiProperty({ example: 'https://hub.example.com/register?ref=K7M3Q9P' }) url: string;
  @ApiProperty({ description: 'Referees who completed a first activity' }) conversions: number;
  @ApiProperty({ type: [ReferredMemberDto], description: 'The latest people who joined with my code' })
  referrals: ReferredMemberDto[];
}
