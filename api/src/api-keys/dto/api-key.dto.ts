import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'CRM sell-and-earn', maxLength: 80 })
  @IsString()
  @Length(1, 80)
  name: string;
}

export class ApiKeySummaryDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The first characters of the key' }) prefix: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CreatedApiKeyDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The key itself. Shown this once; store it now.' }) key: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeySummaryDto] }) items: ApiKeySummaryDto[];
}
