import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EngineModule } from '../engine/engine.module';
import { UsersModule } from '../users/users.module';
import { AttendanceService } from './attendance.service';
import { CalendarFeedsRepository } from './calendar-feeds.repository';
import { CalendarController } from './calendar.controller';
import { CalendarService } from './calendar.service';
import { EventRemindersService } from './event-reminders.service';
import { EventsController } from './events.controller';
import { EventsDemo } from './events.demo';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { RsvpService } from './rsvp.service';
import { RsvpsRepository } from './rsvps.repository';
import { CalendarFeed, CalendarFeedSchema } from './schemas/calendar-feed.schema';
import { EventReminder, EventReminderSchema } from './schemas/event-reminder.schema';
import { Event, EventSchema } from './schemas/event.schema';
import { Rsvp, RsvpSchema } from './schemas/rsvp.schema';
import { WaitlistTicket, WaitlistTicketSchema } from './schemas/waitlist-ticket.schema';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Event.name, schema: EventSchema },
      { name: Rsvp.name, schema: RsvpSchema },
      { name: CalendarFeed.name, schema: CalendarFeedSchema },
      { name: EventReminder.name, schema: EventReminderSchema },
      { name: WaitlistTicket.name, schema: WaitlistTicketSchema },
    ]),
    EngineModule,
    UsersModule,
  ],
  controllers: [EventsController, CalendarController],
  providers: [
    EventsRepository,
    RsvpsRepository,
    CalendarFeedsRepository,
    EventsService,
    RsvpService,
    AttendanceService,
    CalendarService,
    EventRemindersService,
    EventsDemo,
  ],
  exports: [EventsService],
})
export class EventsModule {}
