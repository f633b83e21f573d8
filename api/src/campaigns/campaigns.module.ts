import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EngineModule } from '../engine/engine.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { CampaignExportService } from './campaign-export.service';
import { CampaignRemindersService } from './campaign-reminders.service';
import { CampaignResponsesService } from './campaign-responses.service';
import { CampaignResultsService } from './campaign-results.service';
import { CampaignsController } from './campaigns.controller';
import { CampaignsDemo } from './campaigns.demo';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';
import { Campaign, CampaignSchema } from './schemas/campaign.schema';
import {
  CampaignResponse,
  CampaignResponseSchema,
  Participant,
  ParticipantSchema,
  PendingResponse,
  PendingResponseSchema,
  ReminderMark,
  ReminderMarkSchema,
} from './schemas/response.schema';
import { Tally, TallySchema } from './schemas/tally.schema';
import { TalliesRepository } from './tallies.repository';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Campaign.name, schema: CampaignSchema },
      { name: CampaignResponse.name, schema: CampaignResponseSchema },
      { name: Participant.name, schema: ParticipantSchema },
      { name: PendingResponse.name, schema: PendingResponseSchema },
      { name: ReminderMark.name, schema: ReminderMarkSchema },
      { name: Tally.name, schema: TallySchema },
    ]),
    EngineModule,
    UsersModule,
    OrganizationsModule,
  ],
  controllers: [CampaignsController],
  providers: [
    CampaignsRepository,
    TalliesRepository,
    CampaignsService,
    CampaignResponsesService,
    CampaignResultsService,
    CampaignExportService,
    CampaignRemindersService,
    CampaignsDemo,
  ],
  exports: [CampaignsService],
})
export class CampaignsModule {}
