import { Body, Controller, Delete, Get, Header, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentUser, Roles } from '../common/auth.decorators';
import type { Principal } from '../common/roles';
import { AttendanceService } from './attendance.service';
import { CalendarService } from './calendar.service';
import {
  AttendeeListDto,
  CancelEventDto,
  CheckInDto,
  CheckInResultDto,
  CreateEventDto,
  EventDto,
  EventListDto,
  EventQueryDto,
  RsvpResultDto,
  UpdateEventDto,
} from './dto/event.dto';
import { EventsService } from './events.service';
import { RsvpService } from './rsvp.service';

/**
 * The hub's address as the caller reached it, for links they keep (the calendar feed): behind a
 * proxy, the scheme and host it forwarded. Only the caller's own link depends on these headers.
 */
export function originOf(request: FastifyRequest): string {
  const forwarded = (name: string) => {
    const value = request.headers[name];
    return (Array.isArray(value) ? value[0] : value)?.split(',')[0].trim() || undefined;
  };
  const protocol = forwarded('x-forwarded-proto') ?? request.protocol;
  const host = forwarded('x-forwarded-host') ?? request.host;
  return `${protocol === 'https' ? 'https' : 'http'}://${host}`;
}

@ApiTags('events')
@ApiBearerAuth()
@Controller('events')
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly rsvps: RsvpService,
    private readonly attendance: AttendanceService,
    private readonly calendars: CalendarService,
  ) {}

  @Post()
  @Roles('manager')
  @ApiCreatedResponse({ type: EventDto, description: 'The event, with its check-in code.' })
  create(@CurrentUser() caller: Principal, @Body() body: CreateEventDto): Promise<EventDto> {
    return this.events.create(caller, body);
  }

  @Get()
  @ApiOkResponse({
    type: EventListDto,
    description:
      'Members: events whose audience includes them. Staff: every event, or those aimed at their organization when they belong to one. Default: not over yet.',
  })
  list(@CurrentUser() caller: Principal, @Query() query: EventQueryDto): Promise<EventListDto> {
    return this.events.list(caller, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: EventDto, description: 'With description and location; joinUrl only when I am going.' })
  get(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<EventDto> {
    return this.events.get(caller, id);
  }

  @Patch(':id')
  @Roles('manager')
  @ApiOkResponse({ type: EventDto, description: 'A larger capacity promotes waitlisted members in order.' })
  update(@CurrentUser() caller: Principal, @Param('id') id: string, @Body() body: UpdateEventDto): Promise<EventDto> {
    return this.events.update(caller, id, body, (event) => this.rsvps.afterCapacityChange(event));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('manager')
  @ApiOkResponse({ type: EventDto, description: 'Everyone going or waitlisted is told; RSVPs are refused.' })
  cancel(@CurrentUser() caller: Principal, @Param('id') id: string, @Body() body: CancelEventDto): Promise<EventDto> {
    return this.events.cancel(caller, id, body.reason);
  }

  @Post(':id/rsvp')
  @HttpCode(200)
  @ApiOkResponse({ type: RsvpResultDto, description: 'Going while a seat is free, else the waitlist.' })
  rsvp(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<RsvpResultDto> {
    return this.rsvps.rsvp(caller, id);
  }

  @Delete(':id/rsvp')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Left (or was not there); the first waitlisted member takes the seat.' })
  leave(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<void> {
    return this.rsvps.leave(caller, id);
  }

  @Post(':id/check-in')
  @HttpCode(200)
  @ApiOkResponse({ type: CheckInResultDto, description: 'From 30 minutes before the start to the end.' })
  checkIn(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Body() body: CheckInDto,
  ): Promise<CheckInResultDto> {
    return this.attendance.checkIn(caller, id, body.code);
  }

  @Get(':id/attendees')
  @Roles('manager')
  @ApiOkResponse({ type: AttendeeListDto })
  async attendees(@CurrentUser() caller: Principal, @Param('id') id: string): Promise<AttendeeListDto> {
    return { items: await this.attendance.attendees(caller, id) };
  }

  @Get(':id/attendees.csv')
  @Roles('manager')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'The attendee list as CSV.' })
  async attendeesCsv(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const csv = await this.attendance.attendeesCsv(caller, id);
    void reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="attendees-${id}.csv"`);
    return csv;
  }

  @Post(':id/attendees/:userId/check-in')
  @HttpCode(200)
  @Roles('manager')
  @ApiOkResponse({ type: CheckInResultDto, description: 'A manager checks a member in (no code needed).' })
  checkInMember(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Param('userId') userId: string,
  ): Promise<CheckInResultDto> {
    return this.attendance.checkInByManager(caller, id, userId);
  }

  @Get(':id/event.ics')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'The event as iCalendar ("Add to calendar").' })
  async ics(
    @CurrentUser() caller: Principal,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const { filename, body } = await this.calendars.single(caller, id, originOf(request));
    void reply
      .header('Content-Type', 'text/calendar; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${filename}"`);
    return body;
  }
}
