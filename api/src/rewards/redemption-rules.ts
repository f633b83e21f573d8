import { ConflictException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { FailureReason } from './schemas/redemption.schema';

/**
 * A redemption's `_id`, derived from the member and the idempotency key: a retry of the same
 * request (a phone on a flaky connection) finds the same record by `_id`.
 */
export function redemptionId(userId: string, idempotencyKey: string): string {
  return createHash('sha256').update(`${userId}\n${idempotencyKey}`).digest('hex').slice(0, 32);
}

export const REDEMPTION_ID = /^[0-9a-f]{32}$/;

/** The distinct answers when a redemption is refused (409). */
export function refusal(
  reason: FailureReason,
  detail: { limit?: number | null; short?: number } = {},
): ConflictException {
  switch (reason) {
    case 'points':
      return new ConflictException(
        detail.short ? `Insufficient points: ${detail.short} more points needed` : 'Insufficient points',
      );
    case 'stock':
      return new ConflictException('Out of stock');
    case 'limit':
      return new ConflictException(
        detail.limit ? `Limit reached: at most ${detail.limit} per member` : 'Limit reached for this reward',
      );
    case 'interrupted':
      return new ConflictException('This redemption was interrupted and nothing was spent; please try again');
  }
}
