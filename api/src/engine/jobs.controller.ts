import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth.decorators';
import { RunJobDto } from './dto/engine.dto';
import { JOB_NAMES, JobsService } from './jobs.service';

@ApiTags('admin')
@Controller('admin/jobs')
@Roles('admin')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post(':name')
  @HttpCode(200)
  @ApiParam({ name: 'name', enum: JOB_NAMES })
  @ApiOkResponse({ description: 'What the job did (counts, and for reconcile the wallets it fixed).' })
  run(@Param('name') name: string, @Body() body: RunJobDto): Promise<object> {
    return this.jobs.run(name, body.asOf ? new Date(body.asOf) : new Date());
  }
}
