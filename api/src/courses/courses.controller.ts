import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/auth.decorators';
import type { Principal } from '../common/roles';
import { CoursesService } from './courses.service';
import { CourseDetailDto, CourseListDto, LessonCompletionDto, LessonDto } from './dto/course.dto';
import { QuizAttemptBodyDto, QuizAttemptListDto, QuizAttemptResultDto } from './dto/quiz.dto';

@ApiTags('learn')
@ApiBearerAuth()
@Controller('courses')
export class CoursesController {
  constructor(private readonly courses: CoursesService) {}

  @Get()
  @ApiOkResponse({
    type: CourseListDto,
    description: 'The catalog with my progress; locked: my tier is below minTier.',
  })
  async list(@CurrentUser() caller: Principal): Promise<CourseListDto> {
    return { items: await this.courses.list(caller) };
  }

  @Get(':slug')
  @ApiOkResponse({
    type: CourseDetailDto,
    description: 'Modules with my completed lessons, the quiz (never its answers).',
  })
  get(@CurrentUser() caller: Principal, @Param('slug') slug: string): Promise<CourseDetailDto> {
    return this.courses.get(caller, slug);
  }

  @Get(':slug/lessons/:lesson')
  @ApiOkResponse({ type: LessonDto, description: '403 when the course is locked for me.' })
  lesson(
    @CurrentUser() caller: Principal,
    @Param('slug') slug: string,
    @Param('lesson') lesson: string,
  ): Promise<LessonDto> {
    return this.courses.lesson(caller, slug, lesson);
  }

  @Post(':slug/lessons/:lesson/complete')
  @HttpCode(200)
  @ApiOkResponse({ type: LessonCompletionDto, description: 'Points once; a repeat answers pointsAwarded: 0.' })
  complete(
    @CurrentUser() caller: Principal,
    @Param('slug') slug: string,
    @Param('lesson') lesson: string,
  ): Promise<LessonCompletionDto> {
    return this.courses.completeLesson(caller, slug, lesson);
  }

  @Post(':slug/quiz/attempts')
  @HttpCode(200)
  @ApiOkResponse({
    type: QuizAttemptResultDto,
    description:
      'Graded on the server; points for the first pass only. 400 for unknown question or option ids; 409 when today’s attempts are used up.',
  })
  attempt(
    @CurrentUser() caller: Principal,
    @Param('slug') slug: string,
    @Body() body: QuizAttemptBodyDto,
  ): Promise<QuizAttemptResultDto> {
    return this.courses.attempt(caller, slug, body.answers);
  }

  @Get(':slug/quiz/attempts')
  @ApiOkResponse({ type: QuizAttemptListDto, description: 'My attempts, newest first (scores only).' })
  async attempts(@CurrentUser() caller: Principal, @Param('slug') slug: string): Promise<QuizAttemptListDto> {
    return { items: await this.courses.attempts(caller, slug) };
  }
}
