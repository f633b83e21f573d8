import { Controller, Get, Header, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentUser, Public } from '../common/auth.decorators';
import type { Principal } from '../common/roles';
import { CalendarService } from './calendar.service';
import { CalendarLinkDto } from './dto/event.dto';
import { originOf } from './events.controller';

/** The personal calendar feed: its URL (members) and the feed itself (anyone holding the token). */
@ApiTags('events')
@Controller()
export class CalendarController {
  constructor(private readonly calendars: CalendarService) {}

  @Get('me/calendar')
  @ApiBearerAuth()
  @ApiOkResponse({ type: CalendarLinkDto, description: 'My calendar feed URL (subscribe to it in any calendar app).' })
  link(@CurrentUser() caller: Principal, @Req() request: FastifyRequest): Promise<CalendarLinkDto> {
    return this.calendars.link(caller, originOf(request));
  }

  @Post('me/calendar/rotate')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: CalendarLinkDto, description: 'A new feed URL; the old one stops working at once.' })
  rotate(@CurrentUser() caller: Principal, @Req() request: FastifyRequest): Promise<CalendarLinkDto> {
    return this.calendars.rotate(caller, originOf(request));
  }

  @Get('calendar/:token.ics')
  @Public()
  @Header('Cache-Control', 'private, max-age=300')
  @ApiParam({ name: 'token', description: 'The token in the URL from GET /api/me/calendar' })
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'The events I am going to or waiting for (RFC 5545); 404 for a rotated token.' })
  async feed(
    @Param('token') token: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const body = await this.calendars.feed(token, originOf(request));
    void reply.header('Content-Type', 'text/calendar; charset=utf-8');
    return body;
  }
}
