import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';
import type { QuizAttempt } from '../schemas/quiz-attempt.schema';
import { CourseCertificateDto, MyCourseProgressDto } from './course.dto';

export class QuizAttemptBodyDto {
  @ApiProperty({
    description: 'Question id → an option id (single) or a list of option ids in any order (multi)',
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    example: { q1: 'b', q2: ['a', 'c'] },
  })
  @IsObject({ message: 'answers must be an object of question id → option id(s)' })
  answers: Record<string, unknown>;
}

export class QuizAttemptResultDto {
  @ApiProperty({ description: 'Id of the stored attempt' }) id: string;
  @ApiProperty({ description: 'Percent of the questions answered right, rounded down' }) score: number;
  @ApiProperty() passed: boolean;
  @ApiProperty({ description: 'Points for the first pass only; 0 otherwise' }) pointsAwarded: number;
  @ApiProperty() passPercent: number;
  @ApiProperty() questionCount: number;
  @ApiProperty() attemptsLeftToday: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the next attempt is possible, once today’s are used up',
  })
  nextAttemptAt: string | null;
  @ApiProperty({ type: MyCourseProgressDto }) myProgress: MyCourseProgressDto;
  @ApiProperty({ type: CourseCertificateDto, nullable: true, description: 'Set once the course is completed' })
  certificate: CourseCertificateDto | null;
}

export class QuizAttemptSummaryDto {
  @ApiProperty() id: string;
  @ApiProperty() score: number;
  @ApiProperty() passed: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class QuizAttemptListDto {
  @ApiProperty({ type: [QuizAttemptSummaryDto] }) items: QuizAttemptSummaryDto[];
}

/** An attempt as its member sees it later: the score, never the answer key (nor the answers again). */
export function mapAttemptSummary(attempt: QuizAttempt): QuizAttemptSummaryDto {
  return {
    id: attempt._id.toHexString(),
    score: attempt.score,
    passed: attempt.passed,
    createdAt: attempt.createdAt.toISOString(),
  };
}
