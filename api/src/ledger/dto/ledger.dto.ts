import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, Min, NotEquals } from 'class-validator';
import { LEDGER_KINDS, type LedgerEntry, type LedgerKind } from '../schemas/ledger-entry.schema';
import { IsObjectIdString } from '../../common/validators';

export class LedgerSourceDto {
  @ApiProperty({ example: 'adjustment' }) type: string;
  @ApiProperty({ type: String, nullable: true }) id: string | null;
}

export class LedgerEntryDto {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'Signed integer points' }) amount: number;
  @ApiProperty({ enum: LEDGER_KINDS }) kind: LedgerKind;
  @ApiProperty() reason: string;
  @ApiProperty({ type: LedgerSourceDto }) source: LedgerSourceDto;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export const mapLedgerEntry = (entry: LedgerEntry): LedgerEntryDto => ({
  id: entry._id.toHexString(),
  amount: entry.amount,
  kind: entry.kind,
  reason: entry.reason,
  source: { type: entry.source.type, id: entry.source.id ?? null },
  createdAt: entry.createdAt.toISOString(),
});

export class LedgerPageDto {
  @ApiProperty({ type: [LedgerEntryDto] }) items: LedgerEntryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class AdjustmentEntryDto extends LedgerEntryDto {
  @ApiProperty({ description: 'true when this idempotency key had already been used' }) duplicate: boolean;
}

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9:_\-.@/]+$/;

export class CreateAdjustmentDto {
  @ApiProperty({ example: '665f1c2b9d3e4a0012345678' })
  @IsString()
  @IsObjectIdString('userId must be a user id')
  userId: string;

  @ApiProperty({ description: 'Points to add (positive) or take (negative)', example: 50 })
  @IsInt()
  @NotEquals(0)
  @Min(-1_000_000)
  @Max(1_000_000)
  amount: number;

  @ApiProperty({ maxLength: 200, example: 'Goodwill for the webinar outage' })
  @IsString()
  @Length(1, 200)
  reason: string;

  @ApiProperty({ maxLength: 128, example: 'crm-ticket-4711' })
  @IsString()
  @Length(1, 128)
  @Matches(IDEMPOTENCY_KEY_PATTERN, { message: 'idempotencyKey may hold letters, digits and : _ - . @ /' })
  idempotencyKey: string;
}
