import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth.decorators';
import { SetRolesDto, UserDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post(':id/roles')
  @HttpCode(200)
  @Roles('admin')
  @ApiOkResponse({ type: UserDto, description: 'Replaces the user’s roles.' })
  setRoles(@Param('id') id: string, @Body() body: SetRolesDto): Promise<UserDto> {
    return this.users.setRoles(id, body.roles);
  }
}
