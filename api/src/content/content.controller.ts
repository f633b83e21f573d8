import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ContentService } from './content.service';
import { TierListDto } from './dto/tiers-file.dto';

@ApiTags('engine')
@ApiBearerAuth()
@Controller()
export class ContentController {
  constructor(private readonly content: ContentService) {}

  @Get('tiers')
  @ApiOkResponse({ type: TierListDto, description: 'Tiers in ascending order of threshold.' })
  tiers(): TierListDto {
    return { items: this.content.tiers() };
  }
}
