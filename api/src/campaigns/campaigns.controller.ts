import { Body, Controller, Get, Param, Patch, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../common/auth.decorators';
import { CursorQueryDto } from '../common/pagination';
import type { Principal } from '../common/roles';
import { CampaignExportService } from './campaign-export.service';
import { CampaignResponsesService } from './campaign-responses.service';
import { CampaignResultsService } from './campaign-results.service';
import { CampaignsService } from './campaigns.service';
import {
  CampaignDto,
  CampaignListDto,
  CreateCampaignDto,
  RespondDto,
  RespondedDto,
  UpdateCampaignDto,
} from './dto/campaign.dto';
import { NpsTrendDto, ResultsDto, TextPageDto, TextsQueryDto, TrendQueryDto } from './dto/results.dto';

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly responses: CampaignResponsesService,
    private readonly results: CampaignResultsService,
    private readonly exports: CampaignExportService,
  ) {}

  @Post()
  @Roles('product')
  @ApiCreatedResponse({ type: CampaignDto })
  create(@CurrentUser() caller: Principal, @Body() body: CreateCampaignDto): Promise<CampaignDto> {
    return this.campaigns.create(caller, body);
  }

  @Get()
  @ApiOkResponse({
    type: CampaignListDto,
    description:
      'Members: open campaigns aimed at them, closing soonest first. Product: all, newest first. ' +
      'A page at a time: pass `nextCursor` back as `cursor` until it is null.',
  })
  list(@CurrentUser() caller: Principal, @Query() query: CursorQueryDto): Promise<CampaignListDto> {
    return this.campaigns.list(caller, query);
  }

  @Get('nps-trend')
  @Roles('product')
  @ApiOkResponse({ type: NpsTrendDto, description: 'NPS by week (program zone), all campaigns or one' })
  trend(@Query() query: TrendQueryDto): Promise<NpsTrendDto> {
    return this.results.trend(query.weeks, query.campaignId);
  }

  @Get(':id')
  @ApiOkResponse({ type: CampaignDto })
  get(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<CampaignDto> {
    return this.campaigns.get(caller, id);
  }

  @Patch(':id')
  @Roles('product')
  @ApiOkResponse({ type: CampaignDto, description: 'Only while the campaign has no response (409 after)' })
  update(@Param('id') id: string, @Body() body: UpdateCampaignDto): Promise<CampaignDto> {
    return this.campaigns.update(id, body);
  }

  @Post(':id/responses')
  @ApiCreatedResponse({ type: RespondedDto, description: 'Once per member; the incentive is paid once' })
  respond(@CurrentUser() caller: Principal, @Param('id') id: string, @Body() body: RespondDto): Promise<RespondedDto> {
    return this.responses.respond(caller, id, body.answers);
  }

  @Get(':id/results')
  @Roles('product')
  @ApiOkResponse({ type: ResultsDto })
  getResults(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<ResultsDto> {
    return this.results.results(caller, id);
  }

  @Get(':id/texts')
  @Roles('product')
  @ApiOkResponse({ type: TextPageDto, description: 'One text question’s answers, newest first' })
  texts(@Param('id') id: string, @Query() query: TextsQueryDto): Promise<TextPageDto> {
    return this.results.texts(id, query.questionId, query.limit, query.cursor);
  }

  @Get(':id/results.csv')
  @Roles('product')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'RFC 4180, UTF-8 with BOM, one row per response; no member columns if anonymous' })
  async exportCsv(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<StreamableFile> {
    const { filename, stream } = await this.exports.export(caller, id);
    return new StreamableFile(stream, {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${filename}"`,
    });
  }
}
