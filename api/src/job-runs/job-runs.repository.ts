import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { AtomicWrites } from '../database/atomic-writes';
import { JobRunRecord, JobRuns } from './schemas/job-run.schema';

/** The only place that touches `job_runs`. */
@Injectable()
export class JobRunsRepository {
  constructor(
    @InjectModel(JobRuns.name) private readonly runs: Model<JobRuns>,
    private readonly atomic: AtomicWrites,
  ) {}

  /**
   * Records a finished run on its job's document in one update (created on the first run):
   * counts, the latest run, and the latest manual run or failure when it is one. Two instances
   * finishing at once both count; `last` is whichever finished last.
   */
  async record(name: string, run: JobRunRecord): Promise<void> {
    await this.atomic.updateOne(
      this.runs,
      { _id: name },
      {
        $inc: { runs: 1, failures: run.ok ? 0 : 1 },
        $set: {
          last: run,
          ...(run.trigger === 'manual' ? { lastManual: run } : {}),
          ...(run.ok ? {} : { lastFailure: run }),
        },
      },
      { upsert: true },
    );
  }

  /** Every job's document, one `_id` look-up each (the names are known and few). */
  async find(names: readonly string[]): Promise<Map<string, JobRuns>> {
    const rows = await Promise.all(names.map((name) => this.runs.findById(name).lean<JobRuns>().exec()));
    return new Map(rows.flatMap((row) => (row ? [[row._id, row] as const] : [])));
  }
}
