import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Connection } from 'mongoose';
import { Public } from '../common/auth.decorators';

class HealthDto {
  @ApiProperty({ example: 'ok' }) status: 'ok';
  @ApiProperty({ example: 'up' }) db: 'up';
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  @Get()
  @Public()
  @ApiOkResponse({ type: HealthDto })
  async check(): Promise<HealthDto> {
    try {
      await this.connection.db!.admin().command({ ping: 1 });
    } catch {
      throw new ServiceUnavailableException('Database unreachable');
    }
    return { status: 'ok', db: 'up' };
  }
}
