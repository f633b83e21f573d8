import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { mapAudience } from '../../common/audience/audience';
import { AudienceDto } from '../../common/audience/audience.dto';
import { IsIanaZone, PageLimit } from '../../common/validators';
import { checkInWindow } from '../event-time';
import { EVENT_KINDS, EVENT_STATUSES, type Event, type EventKind, type EventStatus } from '../schemas/event.schema';
import type { NullableFields } from '../../common/patch';

const TIME_HELP =
  'ISO-8601. With an offset (2026-03-09T13:00:00Z) it is that instant; without one ' +
  '(2026-03-09T09:00) it is wall time in the event’s `timezone`.';

export class CreateEventDto {
  @ApiProperty({ maxLength: 120 }) @IsString() @Length(1, 120) title: string;
  @ApiProperty({ maxLength: 4000 }) @IsString() @MaxLength(4000) description: string;
  @ApiProperty({ enum: EVENT_KINDS }) @IsIn(EVENT_KINDS) kind: EventKind;

  @ApiProperty({ format: 'date-time', description: TIME_HELP, example: '2026-03-09T13:00:00.000Z' })
  @IsString()
  @MaxLength(40)
  @IsISO8601({ strict: true })
  startsAt: string;

  @ApiProperty({ format: 'date-time', description: `${TIME_HELP} After startsAt.` })
  @IsString()
  @MaxLength(40)
  @IsISO8601({ strict: true })
  endsAt: string;

  @ApiProperty({ example: 'America/New_York', description: 'IANA zone the event is scheduled and shown in' })
  @IsIanaZone()
  timezone: string;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, description: 'Seats (none or null: no limit)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  capacity?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'gold', description: 'Lower tiers see it locked' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  minTier?: string | null;

  @ApiPropertyOptional({ type: AudienceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AudienceDto)
  audience?: AudienceDto;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 300, example: 'Depot 4, Hall B, Malmö' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  location?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Webinars: shown only to members who are going' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'joinUrl must be an http(s) address' })
  joinUrl?: string | null;

  @ApiProperty({ example: 75, description: 'What attending earns (through the event.attended rule)' })
  @IsInt()
  @Min(0)
  @Max(100_000)
  points: number;
}

export class UpdateEventDto extends PartialType(CreateEventDto) {}

/** What a PATCH may set to null (see refuseNulls): no seat limit, no minimum tier, no place, no link. */
export const EVENT_NULLABLE: NullableFields<UpdateEventDto> = ['capacity', 'minTier', 'location', 'joinUrl'];

export class CancelEventDto {
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class CheckInDto {
  @ApiProperty({ example: 'ABC234', description: 'The event’s check-in code (case, spaces and dashes ignored)' })
  @IsString()
  @Length(1, 32)
  code: string;
}

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class EventQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Events that end at or after this (default: now)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events that start at or before this' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: EVENT_KINDS }) @IsOptional() @IsIn(EVENT_KINDS) kind?: EventKind;

  @ApiPropertyOptional({ description: 'Only events I am going to or waiting for' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  mine?: boolean;

  @ApiPropertyOptional({
    enum: ['asc', 'desc'],
    description: 'By start (default asc; desc lists the past newest first)',
  })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,15}_[0-9a-f]{24}$/, { message: 'cursor must be a nextCursor returned by this list' })
  cursor?: string;

  @PageLimit(50)
  limit?: number;
}

export const RSVP_ANSWERS = ['going', 'waitlisted'] as const;
export type RsvpAnswer = (typeof RSVP_ANSWERS)[number];

export class EventDto {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: EVENT_KINDS }) kind: EventKind;
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time' }) endsAt: string;
  @ApiProperty({ example: 'America/New_York' }) timezone: string;
  @ApiProperty({ type: Number, nullable: true, description: 'null: no limit' }) capacity: number | null;
  @ApiProperty({ description: 'Members going' }) going: number;
  @ApiProperty({ description: 'Members on the waitlist' }) waitlisted: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Free seats (null: no limit)' }) seatsLeft: number | null;
  @ApiProperty({ enum: RSVP_ANSWERS, nullable: true }) myRsvp: RsvpAnswer | null;
  @ApiProperty({ type: Number, nullable: true, description: 'My place on the waitlist (1 = next)' })
  myWaitlistPosition: number | null;
  @ApiProperty({ description: 'I checked in' }) attended: boolean;
  @ApiProperty({ description: 'My tier is below minTier' }) locked: boolean;
  @ApiProperty({ type: String, nullable: true }) minTier: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Gold' }) minTierName: string | null;
  @ApiProperty({ enum: EVENT_STATUSES }) status: EventStatus;
  @ApiProperty({ type: String, nullable: true }) cancelReason: string | null;
  @ApiProperty() points: number;
  @ApiProperty({ type: String, nullable: true }) location: string | null;
  @ApiProperty({ format: 'date-time' }) checkInOpensAt: string;
  @ApiProperty({ description: 'iCalendar SEQUENCE: rises with every change of time, place or status' })
  sequence: number;
  @ApiPropertyOptional({ description: 'The event page' }) description?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Only when I am going (and for staff)' })
  joinUrl?: string | null;
  @ApiPropertyOptional({ description: 'Staff only' }) checkInCode?: string;
  @ApiPropertyOptional({ type: AudienceDto, description: 'Staff only' }) audience?: Required<AudienceDto>;
  @ApiPropertyOptional({
    description:
      'Staff only: whether I may edit or cancel it (staff of one organization: only events aimed at it alone)',
  })
  changeable?: boolean;
}

/** What the viewer's own situation adds to an event. */
export interface EventViewer {
  myRsvp: RsvpAnswer | null;
  position: number | null;
  attended: boolean;
  locked: boolean;
  minTierName: string | null;
  /** The event page (description), not a list row. */
  detail: boolean;
  staff: boolean;
  /** Staff who may edit or cancel it (see `changeableWithin`). */
  changeable: boolean;
}

export function mapEvent(event: Event, viewer: EventViewer): EventDto {
  const capacity = event.capacity ?? null;
  const dto: EventDto = {
    id: event._id.toHexString(),
    title: event.title,
    kind: event.kind,
    startsAt: event.startsAt.toISOString(),
    endsAt: event.endsAt.toISOString(),
    timezone: event.timezone,
    capacity,
    going: Math.max(0, event.going),
    waitlisted: Math.max(0, event.waitlisted),
    seatsLeft: capacity === null ? null : Math.max(0, capacity - Math.max(0, event.going)),
    myRsvp: viewer.myRsvp,
    myWaitlistPosition: viewer.myRsvp === 'waitlisted' ? viewer.position : null,
    attended: viewer.attended,
    locked: viewer.locked,
    minTier: event.minTier,
    minTierName: viewer.minTierName,
    status: event.status,
    cancelReason: event.cancelReason ?? null,
    points: event.points,
    location: event.location,
    checkInOpensAt: checkInWindow(event.startsAt, event.endsAt).opensAt.toISOString(),
    sequence: event.sequence,
  };
  if (viewer.detail || viewer.staff) dto.description = event.description;
  if (viewer.staff || viewer.myRsvp === 'going') dto.joinUrl = event.joinUrl;
  if (viewer.staff) {
    dto.checkInCode = event.checkInCode;
    dto.audience = mapAudience(event.audience);
    dto.changeable = viewer.changeable;
  }
  return dto;
}

export class EventListDto {
  @ApiProperty({ type: [EventDto] }) items: EventDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

/** My answer (my place on the waitlist is on GET /events/:id: counting it is a query this hot path avoids). */
export class RsvpResultDto {
  @ApiProperty({ enum: RSVP_ANSWERS }) status: RsvpAnswer;
}

export class CheckInResultDto {
  @ApiProperty({ enum: [true] }) attended: true;
  @ApiProperty({ description: 'Points this check-in earned: the first one only; 0 when already checked in' })
  pointsAwarded: number;
  @ApiProperty() alreadyCheckedIn: boolean;
}

export class AttendeeDto {
  @ApiProperty() userId: string;
  @ApiProperty() displayName: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: RSVP_ANSWERS, nullable: true, description: 'null: checked in without an RSVP' })
  rsvp: RsvpAnswer | null;
  @ApiProperty({ type: Number, nullable: true }) waitlistPosition: number | null;
  @ApiProperty() attended: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) attendedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) answeredAt: string | null;
}

export class AttendeeListDto {
  @ApiProperty({ type: [AttendeeDto] }) items: AttendeeDto[];
}

export class CalendarLinkDto {
  @ApiProperty({ example: 'https://hub.example.com/api/calendar/665f…-k3J9….ics' }) url: string;
  @ApiProperty({ example: 'webcal://hub.example.com/api/calendar/665f…-k3J9….ics' }) webcalUrl: string;
}
