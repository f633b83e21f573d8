import { BadRequestException } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
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
