import { Injectable, Logger } from '@nestjs/common';
import { OnDomainEffect } from '../common/domain-event-bus';
import type { DemoReadyEvent } from '../common/domain-events';
import type { Principal } from '../common/roles';
import { CoursesService } from './courses.service';

/**
 * Demo progress: who has done what in which course. Ana finished "Heat pumps: sizing and
 * efficiency" (quiz passed, certificate) and started solar; Chen, Dana and Ella are part-way, so
 * the "Three lessons this week" challenge has members on the way. (Bo is left as he is: other
 * suites read his demo balance.)
 */
export const DEMO_PROGRESS: Array<{ email: string; course: string; lessons: number; passQuiz?: boolean }> = [
  { email: 'ana@northwind.demo', course: 'heat-pump-sizing', lessons: 4, passQuiz: true },
  { email: 'ana@northwind.demo', course: 'solar-pv-design', lessons: 1 },
  { email: 'dana@northwind.demo', course: 'selling-to-homeowners', lessons: 2 },
  { email: 'chen@northwind.demo', course: 'refrigerant-safety', lessons: 2 },
  { email: 'ella@contoso.demo', course: 'solar-pv-design', lessons: 1 },
];

const caller = (member: DemoReadyEvent['members'][number]): Principal => ({
  id: member.id,
  roles: ['member'],
  organizationId: member.organizationId,
  teamId: member.teamId,
});

/**
 * Seeds the demo members' course progress through the same service members use (points, badges
 * and challenges follow). Idempotent: completing a lesson again awards nothing, and a passed quiz
 * is not taken again.
 */
@Injectable()
export class CoursesDemo {
  private readonly logger = new Logger(CoursesDemo.name);

  constructor(private readonly courses: CoursesService) {}

  @OnDomainEffect('demo.ready')
  async seed({ members }: DemoReadyEvent): Promise<void> {
    let lessons = 0;
    for (const plan of DEMO_PROGRESS) {
      const member = members.find((candidate) => candidate.email === plan.email);
      const course = this.courses.findCourse(plan.course);
      // A program with its own content/ may not have these courses (or gate them to a higher tier).
      if (!member || !course || (await this.courses.get(caller(member), course.slug)).locked) continue;
      for (const lesson of course.lessons.slice(0, plan.lessons)) {
        const done = await this.courses.completeLesson(caller(member), course.slug, lesson.slug);
        if (done.firstCompletion) lessons++;
      }
      const detail = await this.courses.get(caller(member), course.slug);
      if (plan.passQuiz && course.quiz && !detail.myQuiz?.passed) {
        const answers = Object.fromEntries(course.quiz.questions.map((question) => [question.id, question.answer]));
        await this.courses.attempt(caller(member), course.slug, answers);
      }
    }
    this.logger.log(`Demo course progress ready (${lessons} new lesson completions)`);
  }
}
