import { BadRequestException } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { trusted, Types } from 'mongoose';
import { IsObjectIdString, PageLimit } from './validators';

export class PageQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @IsObjectIdString('cursor must be a nextCursor returned by this list')
  cursor?: string;

  @PageLimit(20)
  limit?: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Cursor pagination over `_id` descending (newest first): fetch `limit + 1` and split. */
export function toPage<T extends { _id: Types.ObjectId }, R>(rows: T[], limit: number, map: (row: T) => R): Page<R> {
  const hasMore = rows.length > limit;
  const items = rows.slice(0, limit);
  return { items: items.map(map), nextCursor: hasMore ? items[items.length - 1]._id.toHexString() : null };
}

/**
 * `_id` older than the cursor: the query operator is ours, so it is marked trusted and survives
 * mongoose's sanitizeFilter (which neutralizes operators that arrive in user input).
 */
export function olderThan(cursor: Types.ObjectId): Types.ObjectId {
  return trusted({ $lt: cursor }) as unknown as Types.ObjectId;
}

export function toObjectId(id: string, what = 'id'): Types.ObjectId {
  if (!Types.ObjectId.isValid(id) || !/^[0-9a-f]{24}$/i.test(id)) throw new BadRequestException(`${what} is not valid`);
  return new Types.ObjectId(id);
}

/**
 * A list page's query when the order is not `_id` alone: `cursor` is the opaque `nextCursor` of
 * the previous page (what it encodes is the list's business, see `keysetCursor`).
 */
export class CursorQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Za-z_-]{1,80}$/, { message: 'cursor must be a nextCursor returned by this list' })
  cursor?: string;

  // A catalog's page holds all a program usually has (a list that grows without bound still pages).
  @PageLimit(100)
  limit?: number;
}

/** Where a page starts in a list ordered by (key, `_id`): after this row. */
export interface Keyset {
  key: number;
  id: Types.ObjectId;
}

const KEYSET = /^(\d{1,16})_([0-9a-f]{24})$/;

/** The cursor after `row` in a list ordered by (`key`, `_id`); `key` is a number ≥ 0 (a date: its millis). */
export function keysetCursor(key: number | Date, id: Types.ObjectId): string {
  return `${typeof key === 'number' ? key : key.getTime()}_${id.toHexString()}`;
}

/** Reads a keyset cursor back (400 when it is not one this list gave out). */
export function readKeyset(cursor: string): Keyset {
  const match = KEYSET.exec(cursor);
  if (!match) throw new BadRequestException('cursor must be a nextCursor returned by this list');
  return { key: Number(match[1]), id: new Types.ObjectId(match[2]) };
}

/**
 * The filter for rows after `after` in ascending (`field`, `_id`) order, to be one of the query's
 * `$and` terms. `value` turns the cursor's number back into the field's type (a Date for dates).
 */
export function afterKeyset(
  field: string,
  after: Keyset,
  value: (key: number) => unknown = (key) => key,
): Record<string, unknown> {
  const key = value(after.key);
  return {
    $or: [{ [field]: trusted({ $gt: key }) }, { [field]: key, _id: trusted({ $gt: after.id }) }],
  };
}

/** A page of a (key, `_id`) list from `limit + 1` rows: the cursor names the page's last row. */
export function toKeysetPage<T extends { _id: Types.ObjectId }>(
  rows: T[],
  limit: number,
  key: (row: T) => number | Date,
): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last ? keysetCursor(key(last), last._id) : null };
}
