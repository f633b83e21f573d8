import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EngineModule } from '../engine/engine.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { CertificateReminders } from './certificate-reminders';
import { CertificatesController } from './certificates.controller';
import { CertificatesRepository } from './certificates.repository';
import { CertificatesService } from './certificates.service';
import { CourseCompletionService } from './course-completion.service';
import { CoursesController } from './courses.controller';
import { CoursesDemo } from './courses.demo';
import { CoursesRepository } from './courses.repository';
import { CoursesService } from './courses.service';
import { IssuerKeys } from './issuer-key';
import { Certificate, CertificateSchema } from './schemas/certificate.schema';
import { CourseProgress, CourseProgressSchema, QuizAttemptDay, QuizAttemptDaySchema } from './schemas/progress.schema';
import { QuizAttempt, QuizAttemptSchema } from './schemas/quiz-attempt.schema';

/** Learn and Earn: courses from content/, progress, quizzes, certificates and their credentials. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: CourseProgress.name, schema: CourseProgressSchema },
      { name: QuizAttempt.name, schema: QuizAttemptSchema },
      { name: QuizAttemptDay.name, schema: QuizAttemptDaySchema },
      { name: Certificate.name, schema: CertificateSchema },
    ]),
    EngineModule,
    OrganizationsModule,
  ],
  controllers: [CoursesController, CertificatesController],
  providers: [
    CoursesRepository,
    CertificatesRepository,
    CoursesService,
    CourseCompletionService,
    CertificatesService,
    IssuerKeys,
    CertificateReminders,
    CoursesDemo,
  ],
  exports: [CoursesService],
})
export class CoursesModule {}
