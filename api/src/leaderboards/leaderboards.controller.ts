import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/auth.decorators';
import type { Principal } from '../common/roles';
import { LeaderboardDto, LeaderboardQueryDto } from './dto/leaderboard.dto';
import { LeaderboardsService } from './leaderboards.service';

@ApiTags('leaderboards')
@ApiBearerAuth()
@Controller('leaderboards')
export class LeaderboardsController {
  constructor(private readonly leaderboards: LeaderboardsService) {}

  @Get()
  @ApiOkResponse({
    type: LeaderboardDto,
    description: 'Top N with shared ranks for ties, and my standing. Members: own organization and the program board.',
  })
  read(@CurrentUser() caller: Principal, @Query() query: LeaderboardQueryDto): Promise<LeaderboardDto> {
    return this.leaderboards.read(caller, query);
  }
}
