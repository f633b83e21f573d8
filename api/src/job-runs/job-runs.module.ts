import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { JobRunsRepository } from './job-runs.repository';
import { JobRunsService } from './job-runs.service';
import { JobRuns, JobRunsSchema } from './schemas/job-run.schema';

/**
 * The record of job runs. A module of its own, below both the ledger (whose posting sweep runs
 * every minute) and the engine (which owns the jobs and their admin API), so each can record.
 */
@Module({
  imports: [MongooseModule.forFeature([{ name: JobRuns.name, schema: JobRunsSchema }])],
  providers: [JobRunsRepository, JobRunsService],
  exports: [JobRunsService],
})
export class JobRunsModule {}
