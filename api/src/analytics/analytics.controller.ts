import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../common/auth.decorators';
import type { Principal } from '../common/roles';
import { AnalyticsExportService } from './analytics-export.service';
import { AnalyticsService } from './analytics.service';
import {
  AnalyticsQueryDto,
  OrganizationsFiguresDto,
  OverviewDto,
  RangeQueryDto,
  SeriesDto,
  SeriesQueryDto,
} from './dto/analytics.dto';

@ApiTags('analytics')
@Controller('analytics')
export class AnalyticsController {
  constructor(
    private readonly analytics: AnalyticsService,
    private readonly exports: AnalyticsExportService,
  ) {}

  @Get('overview')
  @Roles('manager', 'product')
  @ApiOkResponse({
    type: OverviewDto,
    description:
      'A range (default the last 30 days) of one organization, or the program. Staff of one organization: only it (403)',
  })
  overview(@CurrentUser() caller: Principal, @Query() query: AnalyticsQueryDto): Promise<OverviewDto> {
    return this.analytics.overview(caller, query);
  }

  @Get('series')
  @Roles('manager', 'product')
  @ApiOkResponse({ type: SeriesDto, description: 'One metric by day or ISO week, in the organization’s zone' })
  series(@CurrentUser() caller: Principal, @Query() query: SeriesQueryDto): Promise<SeriesDto> {
    return this.analytics.series(caller, query);
  }

  @Get('organizations')
  @Roles('manager', 'product')
  @ApiOkResponse({
    type: OrganizationsFiguresDto,
    description: 'Admin and staff without an organization (403 otherwise)',
  })
  organizations(@CurrentUser() caller: Principal, @Query() query: RangeQueryDto): Promise<OrganizationsFiguresDto> {
    return this.analytics.byOrganization(caller, query);
  }

  @Get('members.csv')
  @Roles('manager')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'RFC 4180, UTF-8 with BOM, formula cells defused; one row per member, streamed' })
  async members(@CurrentUser() caller: Principal, @Query() query: AnalyticsQueryDto): Promise<StreamableFile> {
    const { filename, stream } = await this.exports.export(caller, query);
    return new StreamableFile(stream, {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${filename}"`,
    });
  }
}
