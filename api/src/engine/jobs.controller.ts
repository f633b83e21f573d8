import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../common/auth.decorators';
import type { Principal } from '../common/roles';
import { JobListDto } from '../job-runs/dto/job-run.dto';
import { RunJobDto } from './dto/engine.dto';
import { JOB_NAMES, JobsService } from './jobs.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/jobs')
@Roles('admin')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @ApiOkResponse({
    type: JobListDto,
    description: 'Every job with its last run, last manual run and last failure (scheduled runs included).',
  })
  list(): Promise<JobListDto> {
    return this.jobs.list();
  }

  @Post(':name')
  @HttpCode(200)
  @ApiParam({ name: 'name', enum: JOB_NAMES })
  @ApiOkResponse({ description: 'What the job did (counts, and for reconcile the wallets it fixed).' })
  run(@CurrentUser() caller: Principal, @Param('name') name: string, @Body() body: RunJobDto): Promise<object> {
    return this.jobs.run(name, body.asOf ? new Date(body.asOf) : new Date(), { trigger: 'manual', by: caller });
  }
}
