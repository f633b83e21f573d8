import { Controller, Get, Res } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { ApiOkResponse, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Connection } from 'mongoose';
import { Public } from '../common/auth.decorators';
import { OUTAGE_RETRY_AFTER_SECONDS } from '../common/http-exception.filter';

class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'], example: 'ok' }) status: 'ok' | 'degraded';
  @ApiProperty({ enum: ['up', 'down'], example: 'up' }) db: 'up' | 'down';
}

/** Health answers within a second even when the database does not (load balancers time out). */
const PING_TIMEOUT_MS = 800;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  @Get()
  @Public()
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'The database is unreachable' })
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthDto> {
    if (await this.databaseAnswers()) return { status: 'ok', db: 'up' };
    void reply.status(503).header('retry-after', String(OUTAGE_RETRY_AFTER_SECONDS));
    return { status: 'degraded', db: 'down' };
  }

  private async databaseAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS)));
    const ping = this.connection
      .db!.admin()
      .command({ ping: 1 }, { timeoutMS: PING_TIMEOUT_MS })
      .then(() => true)
      .catch(() => false);
    try {
      return await Promise.race([ping, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
