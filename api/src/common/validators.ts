import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min, ValidateBy, ValidationOptions } from 'class-validator';
import { IANAZone } from 'luxon';

/** An IANA time zone name that luxon (and so every date computation here) understands. */
export function IsIanaZone(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isIanaZone',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.length <= 64 && IANAZone.isValidZone(value),
        defaultMessage: (args) => `${args?.property} must be an IANA time zone such as Europe/Stockholm`,
      },
    },
    options,
  );
}

/** A MongoDB ObjectId in its 24-hex-digit form (with `each: true`, every element of an array). */
export function IsObjectIdString(message: string, options: ValidationOptions = {}) {
  return Matches(/^[0-9a-f]{24}$/, { ...options, message });
}

/** An optional page size from the query string, 1 to 100. */
export function PageLimit(defaultLimit: number) {
  return applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: 100, default: defaultLimit }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(100),
  );
}
