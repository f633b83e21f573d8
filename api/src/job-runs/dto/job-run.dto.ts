import { ApiProperty } from '@nestjs/swagger';
import { JOB_TRIGGERS, type JobRunRecord, type JobRuns, type JobTrigger } from '../schemas/job-run.schema';

export class JobRunnerDto {
  @ApiProperty() id: string;
  @ApiProperty() displayName: string;
}

export class JobRunDto {
  @ApiProperty({ enum: JOB_TRIGGERS }) trigger: JobTrigger;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ format: 'date-time' }) finishedAt: string;
  @ApiProperty({ description: 'How long it took, in milliseconds' }) durationMs: number;
  @ApiProperty({ format: 'date-time', description: 'The instant the job ran as of' }) asOf: string;
  @ApiProperty() ok: boolean;
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    nullable: true,
    description: 'What the job did: its top-level counts (a list as its length); null after a failure',
  })
  result: Record<string, string | number | boolean | null> | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why it failed' }) error: string | null;
  @ApiProperty({ type: JobRunnerDto, nullable: true, description: 'The admin who ran it; null when scheduled' })
  by: JobRunnerDto | null;
}

export class JobStatusDto {
  @ApiProperty({ example: 'expire-points' }) name: string;
  @ApiProperty({ description: 'Runs recorded (scheduled ones included)' }) runs: number;
  @ApiProperty() failures: number;
  @ApiProperty({ type: JobRunDto, nullable: true, description: 'The run that finished last' }) last: JobRunDto | null;
  @ApiProperty({ type: JobRunDto, nullable: true, description: 'The last run an admin started' })
  lastManual: JobRunDto | null;
  @ApiProperty({ type: JobRunDto, nullable: true }) lastFailure: JobRunDto | null;
}

export class JobListDto {
  @ApiProperty({ type: [JobStatusDto] }) items: JobStatusDto[];
}

export const mapJobRun = (run: JobRunRecord | null | undefined): JobRunDto | null =>
  run
    ? {
        trigger: run.trigger,
        startedAt: new Date(run.startedAt).toISOString(),
        finishedAt: new Date(run.finishedAt).toISOString(),
        durationMs: new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime(),
        asOf: new Date(run.asOf).toISOString(),
        ok: run.ok,
        result: run.result ?? null,
        error: run.error ?? null,
        by: run.by ? { id: run.by.id, displayName: run.by.displayName } : null,
      }
    : null;

export const mapJobStatus = (name: string, runs: JobRuns | undefined): JobStatusDto => ({
  name,
  runs: runs?.runs ?? 0,
  failures: runs?.failures ?? 0,
  last: mapJobRun(runs?.last),
  lastManual: mapJobRun(runs?.lastManual),
  lastFailure: mapJobRun(runs?.lastFailure),
});
