import { HttpException, Injectable, Logger } from '@nestjs/common';
import type { JobListDto } from './dto/job-run.dto';
import { mapJobStatus } from './dto/job-run.dto';
import { summarizeJobResult } from './job-result-summary';
import { JobRunsRepository } from './job-runs.repository';
import type { JobTrigger } from './schemas/job-run.schema';

export interface JobRunContext {
  trigger: JobTrigger;
  asOf?: Date;
  by?: { id: string; displayName: string } | null;
}

/** Longest error message remembered for a failed run. */
const MAX_ERROR = 500;

/**
 * Remembers each job run — on demand, from the CLI or on a schedule — so the admin console can
 * show what each sweep last did. Recording never changes the run itself: the job's answer (or
 * error) goes back to the caller as if it had not been recorded, and a failure to record (an
 * outage) is only logged.
 */
@Injectable()
export class JobRunsService {
  private readonly logger = new Logger(JobRunsService.name);

  constructor(private readonly repository: JobRunsRepository) {}

  async track<T>(name: string, context: JobRunContext, run: () => Promise<T>): Promise<T> {
    const startedAt = new Date();
    const asOf = context.asOf ?? startedAt;
    const base = { trigger: context.trigger, startedAt, asOf, by: context.by ?? null };
    let result: T;
    try {
      result = await run();
    } catch (error) {
      await this.save(name, { ...base, finishedAt: new Date(), ok: false, result: null, error: describe(error) });
      throw error;
    }
    await this.save(name, {
      ...base,
      finishedAt: new Date(),
      ok: true,
      result: summarizeJobResult(result),
      error: null,
    });
    return result;
  }

  /** The named jobs with their recorded runs (never-run ones with none). */
  async list(names: readonly string[]): Promise<JobListDto> {
    const found = await this.repository.find(names);
    return { items: names.map((name) => mapJobStatus(name, found.get(name))) };
  }

  private async save(name: string, run: Parameters<JobRunsRepository['record']>[1]): Promise<void> {
    try {
      await this.repository.record(name, run);
    } catch (error) {
      this.logger.warn(`Could not record a run of ${name}: ${(error as Error).message}`);
    }
  }
}

function describe(error: unknown): string {
  const detail = error instanceof HttpException ? (error.getResponse() as { message?: unknown }).message : undefined;
  const message =
    typeof detail === 'string'
      ? detail
      : Array.isArray(detail)
        ? detail.join('; ')
        : error instanceof Error
          ? error.message
          : (JSON.stringify(error) ?? 'unknown error');
  return message.length > MAX_ERROR ? `${message.slice(0, MAX_ERROR - 1)}…` : message;
}
