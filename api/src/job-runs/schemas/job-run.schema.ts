import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const JOB_TRIGGERS = ['manual', 'scheduled', 'cli'] as const;
export type JobTrigger = (typeof JOB_TRIGGERS)[number];

/** One run of a job as remembered: what started it, when, and what it did or why it failed. */
export class JobRunRecord {
  trigger: JobTrigger;
  startedAt: Date;
  finishedAt: Date;
  /** The instant the job ran "as of" (an operator may re-run a sweep for another moment). */
  asOf: Date;
  ok: boolean;
  /** A bounded summary of what the job answered (see `summarizeJobResult`); null after a failure. */
  result: Record<string, string | number | boolean | null> | null;
  error: string | null;
  /** Who asked for it; null for the scheduler and the CLI. */
  by: { id: string; displayName: string } | null;
}

/**
 * The last runs of one job, keyed by the job's name: a handful of documents in all, each read and
 * written by `_id` (which FerretDB serves without a scan). Sweeps run every minute on every
 * instance, so a document per run would grow without bound; the latest of each kind is what an
 * operator asks about ("did the expiry sweep run last night, and what did it do?").
 */
@Schema({ collection: 'job_runs', versionKey: false })
export class JobRuns {
  @Prop({ type: String }) _id: string;
  @Prop({ default: 0 }) runs: number;
  @Prop({ default: 0 }) failures: number;
  /** The run that finished last, whatever started it. */
  @Prop({ type: Object, default: null }) last: JobRunRecord | null;
  /** The last run an admin started (scheduled runs every minute would hide it in `last`). */
  @Prop({ type: Object, default: null }) lastManual: JobRunRecord | null;
  @Prop({ type: Object, default: null }) lastFailure: JobRunRecord | null;
}

export const JobRunsSchema = SchemaFactory.createForClass(JobRuns);
