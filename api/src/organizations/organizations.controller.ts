import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../common/auth.decorators';
import { PageQueryDto } from '../common/pagination';
import type { Principal } from '../common/roles';
import { MemberPageDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';
import {
  CreateOrganizationDto,
  CreateTeamDto,
  OrganizationDto,
  OrganizationPageDto,
  TeamDto,
  TeamListDto,
  UpdateOrganizationDto,
} from './dto/organization.dto';
import { OrganizationsService, toOrganizationDto } from './organizations.service';

@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations')
export class OrganizationsController {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly users: UsersService,
  ) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: OrganizationDto })
  create(@Body() body: CreateOrganizationDto): Promise<OrganizationDto> {
    return this.organizations.create(body.name, body.timezone);
  }

  @Get()
  @ApiOkResponse({ type: OrganizationPageDto, description: 'Staff: all organizations. Member: only its own.' })
  list(@CurrentUser() caller: Principal, @Query() page: PageQueryDto): Promise<OrganizationPageDto> {
    return this.organizations.list(caller, page.limit ?? 50, page.cursor);
  }

  @Get(':id')
  @ApiOkResponse({ type: OrganizationDto })
  async get(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<OrganizationDto> {
    return toOrganizationDto(await this.organizations.getVisible(caller, id));
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: OrganizationDto, description: 'Renames it or changes its time zone.' })
  update(@CurrentUser() caller: Principal, @Param('id') id: string, @Body() body: UpdateOrganizationDto) {
    return this.organizations.update(caller, id, body);
  }

  @Post(':id/invite-code')
  @HttpCode(200)
  @Roles('admin', 'manager')
  @ApiOkResponse({ type: OrganizationDto, description: 'Replaces the invite code; the old one stops working.' })
  rotateInviteCode(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<OrganizationDto> {
    return this.organizations.rotateInviteCode(caller, id);
  }

  @Post(':id/teams')
  @Roles('admin', 'manager')
  @ApiCreatedResponse({ type: TeamDto })
  createTeam(@CurrentUser() caller: Principal, @Param('id') id: string, @Body() body: CreateTeamDto): Promise<TeamDto> {
    return this.organizations.createTeam(caller, id, body.name);
  }

  @Post(':id/teams/:teamId/invite-code')
  @HttpCode(200)
  @Roles('admin', 'manager')
  @ApiOkResponse({ type: TeamDto, description: 'Replaces the team’s invite code; the old one stops working.' })
  rotateTeamInviteCode(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Param('teamId') teamId: string,
  ): Promise<TeamDto> {
    return this.organizations.rotateTeamInviteCode(caller, id, teamId);
  }

  @Get(':id/teams')
  @ApiOkResponse({ type: TeamListDto })
  async listTeams(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<TeamListDto> {
    return { items: await this.organizations.listTeams(caller, id) };
  }

  @Get(':id/members')
  @ApiOkResponse({ type: MemberPageDto, description: 'Staff, or members of the same organization.' })
  async listMembers(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Query() page: PageQueryDto,
  ): Promise<MemberPageDto> {
    const organization = await this.organizations.getVisible(caller, id);
    return this.users.listMembers(caller, organization._id, page.limit ?? 20, page.cursor);
  }
}
