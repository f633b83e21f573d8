import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { isDuplicateKey, isOutage } from './database-errors';

/** Seconds a client should wait before retrying while the database is unreachable. */
export const OUTAGE_RETRY_AFTER_SECONDS = 2;

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
}

/** Errors thrown by Fastify itself (bad JSON, body too large, wrong content type) carry a 4xx statusCode. */
function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** Maps any thrown value to the documented error shape. */
export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : ((response as { message?: string | string[] }).message ?? exception.message);
    return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
  }
  if (isOutage(exception)) {
    return { statusCode: 503, error: 'Service Unavailable', message: 'The database is unreachable; try again shortly' };
  }
  if (isDuplicateKey(exception)) {
    return { statusCode: HttpStatus.CONFLICT, error: 'Conflict', message: 'Already exists' };
  }
  const clientStatus = clientErrorStatus(exception);
  if (clientStatus) {
    return {
      statusCode: clientStatus,
      error: STATUS_CODES[clientStatus] ?? 'Error',
      message: (exception as Error).message,
    };
  }
  return { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' };
}

/** The one exception filter: every HTTP error leaves as `{statusCode, error, message}`. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = toErrorBody(exception);
    if (body.statusCode === 503) void reply.header('retry-after', String(OUTAGE_RETRY_AFTER_SECONDS));
    if (body.statusCode >= 500 && !isOutage(exception)) {
      this.logger.error(
        `request ${request.id} ${request.method} ${request.url} failed`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    void reply.status(body.statusCode).header('x-request-id', request.id).send(body);
  }
}
