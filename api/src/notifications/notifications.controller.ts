import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/auth.decorators';
import { PageQueryDto } from '../common/pagination';
import type { Principal } from '../common/roles';
import { MarkReadDto, NotificationPageDto } from './dto/notification.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOkResponse({ type: NotificationPageDto })
  inbox(@CurrentUser() caller: Principal, @Query() page: PageQueryDto): Promise<NotificationPageDto> {
    return this.notifications.inbox(caller.id, page.limit ?? 20, page.cursor);
  }

  @Post('read')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Marked read (all of them when no ids are given).' })
  markRead(@CurrentUser() caller: Principal, @Body() body: MarkReadDto): Promise<void> {
    return this.notifications.markRead(caller.id, body.ids);
  }
}
