import { Injectable } from '@nestjs/common';
import { EngineRepository } from './engine.repository';

/**
 * The engine's `_id`-keyed counters and marks, for features that keep progress there
 * (challenges). Every write is atomic by contract and, where it counts a ledger entry, applied
 * once per token (see database/guards.ts).
 */
@Injectable()
export class EngineCounters {
  constructor(private readonly repository: EngineRepository) {}

  values(ids: string[]): Promise<Map<string, number>> {
    return this.repository.counterValues(ids);
  }

  /** Adds `by` once per `token`; the value after. */
  incrementOnce(id: string, by: number, token: string): Promise<number> {
    return this.repository.incrementOnce(id, by, token);
  }

  /** Sets a mark; true when it is new. */
  mark(id: string): Promise<boolean> {
    return this.repository.mark(id);
  }

  existingMarks(ids: string[]): Promise<Set<string>> {
    return this.repository.existingMarks(ids);
  }
}
