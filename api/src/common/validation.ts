import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { findOperatorKey } from './operator-keys';

/** Flattens nested class-validator errors into readable sentences ("items.0.name must be…"). */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      prefix ? message.replace(error.property, path) : message,
    );
    return [...own, ...flattenValidationErrors(error.children ?? [], `${path}.`)];
  });
}

/**
 * The one validation pipe: unknown fields are refused (not silently dropped), values are
 * converted to the DTO's declared types, and nothing unvalidated reaches a service.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new BadRequestException(flattenValidationErrors(errors)),
  });
}

/**
 * Socket payloads get what HTTP bodies get from the pipe and the guard: operator keys refused,
 * unknown fields refused, types checked — with the same DTOs.
 */
export function validatePayload<T extends object>(dto: new () => T, payload: unknown): T {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new BadRequestException('payload must be an object');
  }
  const key = findOperatorKey(payload);
  if (key) throw new BadRequestException(`payload must not contain operator or dotted keys (found "${key}")`);
  const value = plainToInstance(dto, payload);
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw new BadRequestException(flattenValidationErrors(errors));
  return value;
}
