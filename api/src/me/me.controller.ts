import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/auth.decorators';
import type { Principal } from '../common/roles';
import { MeDto, UpdateMeDto } from '../users/dto/user.dto';
import { MeService } from './me.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(private readonly me: MeService) {}

  @Get()
  @ApiOkResponse({ type: MeDto })
  get(@CurrentUser() caller: Principal): Promise<MeDto> {
    return this.me.get(caller);
  }

  @Patch()
  @ApiOkResponse({ type: MeDto })
  update(@CurrentUser() caller: Principal, @Body() body: UpdateMeDto): Promise<MeDto> {
    return this.me.update(caller, body);
  }
}
