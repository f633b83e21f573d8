import { BadRequestException } from '@nestjs/common';

/**
 * PATCH bodies are `PartialType`s of the create DTOs, and `PartialType`'s `@IsOptional()` lets
 * `null` through every validator. A service that merges the changes over the stored document
 * would then crash on a required field (500) or `$set` it to null. So in a PATCH a field is absent
 * (unchanged) or a value, and `null` is accepted only for the fields documented nullable (where it
 * means "none": no stock limit, no minimum tier, no badge…). Call this first: 400, nothing changed.
 */
export function refuseNulls<T extends object>(changes: T, nullable: NullableFields<T> = []): void {
  const allowed = new Set<string>(nullable);
  const fields = Object.entries(changes)
    .filter(([key, value]) => value === null && !allowed.has(key))
    .map(([key]) => key);
  if (!fields.length) return;
  const may = nullable.length ? ` (only ${nullable.join(', ')} may be null)` : '';
  throw new BadRequestException(fields.map((field) => `${field} must not be null: leave it out to keep it${may}`));
}

/** The fields of a PATCH DTO that may be sent as `null` (kept beside the DTO, checked against it). */
export type NullableFields<T> = readonly Extract<keyof T, string>[];
