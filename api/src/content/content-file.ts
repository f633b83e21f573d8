import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { flattenValidationErrors } from '../common/validation';

export class ContentError extends Error {}

/** Parses a YAML file from content/; a syntax error names the file and line. */
export function loadYaml(path: string): unknown {
  try {
    return load(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ContentError(`${path}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Reads a YAML file from content/ and validates it against its DTO; the message names the file. */
export function loadContentFile<T extends object>(path: string, dto: new () => T): T {
  const raw = loadYaml(path);
  const value = plainToInstance(dto, raw);
  const errors = validateSync(value as object, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw new ContentError(`${path}: ${flattenValidationErrors(errors).join('; ')}`);
  return value;
}
