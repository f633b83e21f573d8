import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EngineModule } from '../engine/engine.module';
import { UsersModule } from '../users/users.module';
import { ChallengeCompletionService } from './challenge-completion.service';
import { ChallengesController } from './challenges.controller';
import { ChallengesRepository } from './challenges.repository';
import { ChallengesService } from './challenges.service';
import { Challenge, ChallengeSchema } from './schemas/challenge.schema';
import { Submission, SubmissionSchema, SubmissionSlot, SubmissionSlotSchema } from './schemas/submission.schema';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Challenge.name, schema: ChallengeSchema },
      { name: Submission.name, schema: SubmissionSchema },
      { name: SubmissionSlot.name, schema: SubmissionSlotSchema },
    ]),
    EngineModule,
    UsersModule,
  ],
  controllers: [ChallengesController],
  providers: [ChallengesRepository, ChallengesService, ChallengeCompletionService],
  exports: [ChallengesService],
})
export class ChallengesModule {}
