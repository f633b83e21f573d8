import { expect, test, type Page } from '@playwright/test';
import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectNoHorizontalScroll, expectSamePage, markPage, registerMember, signIn } from './helpers';

interface CourseYaml {
  title: string;
  modules: Array<{ lessons: string[] }>;
  quiz: {
    questions: Array<{
      id: string;
      prompt: string;
      options: Array<{ id: string; text: string }>;
      answer: string | string[];
    }>;
  };
}

/** The course as its file says (the test knows the answer key; the page never receives it). */
const course = (slug: string) =>
  load(readFileSync(join(__dirname, '..', '..', 'content', 'courses', slug, 'course.yaml'), 'utf8')) as CourseYaml;

const PHONE = { width: 375, height: 740 };
const SELLING = 'selling-to-homeowners';

async function openNav(page: Page, name: string) {
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}

test('on a phone, a member reads a course, passes its quiz, sees the points arrive live and opens the certificate; a signed-out visitor verifies it', async ({
  page,
  browser,
}) => {
  const file = course(SELLING);
  const lessons = file.modules.flatMap((module) => module.lessons);
  await page.setViewportSize(PHONE);
  const member = await registerMember(page.request, 'Lena Learner');
  await signIn(page, member.email, member.password);

  await openNav(page, 'Learn');
  await expect(page.getByRole('heading', { level: 1, name: 'Learn and Earn' })).toBeVisible();
  const card = page.getByTestId('course').filter({ hasText: file.title });
  await expect(card.getByTestId('course-status')).toHaveText('Not started');
  await expect(page.getByTestId('course').filter({ hasText: 'Home batteries' }).getByTestId('locked')).toContainText(
    'For Silver members and above',
  );
  await expectNoHorizontalScroll(page);
  await card.getByRole('link', { name: file.title }).click();
  await expect(page.getByRole('heading', { level: 1, name: file.title })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await page.getByRole('link', { name: 'Start the course' }).click();
  await markPage(page); // the rest happens without a reload

  for (const [index, slug] of lessons.entries()) {
    await expect(page).toHaveURL(new RegExp(`/learn/${SELLING}/lessons/${slug}$`));
    await expect(page.getByText(`Lesson ${index + 1} of ${lessons.length}`)).toBeVisible();
    await expect(page.getByTestId('lesson-body').locator('p').first()).toBeVisible();
    await expectNoHorizontalScroll(page);
    await page.getByRole('button', { name: 'Mark lesson complete' }).click();
    await expect(page.getByTestId('lesson-status')).toHaveText('Lesson completed: +20 points.');
    // The award arrives over the socket as a toast.
    await expect(page.getByTestId('toast').filter({ hasText: '+20 points' }).first()).toBeVisible();
    if (index < lessons.length - 1) await page.getByRole('link', { name: /^Next:/ }).click();
  }
  await page.getByRole('link', { name: 'Take the quiz' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Quiz: ${file.title}` })).toBeVisible();
  await expectNoHorizontalScroll(page);

  // Sending with a question open is stopped here, before anything is graded.
  await page.getByRole('button', { name: 'Send my answers' }).click();
  await expect(page.getByRole('alert')).toContainText('Please answer every question');

  const questions = page.getByTestId('question');
  await expect(questions).toHaveCount(file.quiz.questions.length);
  for (const question of file.quiz.questions) {
    const group = page.getByRole('group', { name: new RegExp(escape(question.prompt.slice(0, 40))) });
    await expect(group).toBeVisible();
    const key = ([] as string[]).concat(question.answer);
    for (const option of question.options.filter((o) => key.includes(o.id))) {
      await group.getByLabel(option.text, { exact: true }).check();
    }
  }
  await page.getByRole('button', { name: 'Send my answers' }).click();
  await expect(page.getByTestId('quiz-score')).toHaveText('Passed! You scored 100%.');
  await expect(page.getByText('+50 points for passing.')).toBeVisible();
  await expect(page.getByText('You finished the course — your certificate is ready.')).toBeVisible();
  await expect(page.getByTestId('toast').filter({ hasText: '+50 points' }).first()).toBeVisible();
  await expect(page.getByTestId('toast').filter({ hasText: `Certificate earned: ${file.title}` })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await expectSamePage(page);

  await page.getByRole('link', { name: 'Open the certificate' }).click();
  await expect(page).toHaveURL(/\/verify\/[A-Za-z0-9_-]{22,}$/);
  await expect(page.getByTestId('holder')).toHaveText('Lena Learner');
  await expect(page.getByTestId('course-title')).toHaveText(file.title);
  await expect(page.getByTestId('verify-status')).toHaveText(/Valid certificate/);
  await expectNoHorizontalScroll(page);
  const verifyUrl = page.url();

  // The certificate is listed in the profile.
  await page.goto('/profile');
  await expect(page.getByTestId('my-certificate').filter({ hasText: file.title })).toContainText('Valid');

  // A visitor without an account opens the link: no sign-in, and it prints on one A4 landscape page.
  const visitor = await browser.newContext({ viewport: PHONE });
  const stranger = await visitor.newPage();
  await stranger.goto(verifyUrl);
  await expect(stranger.getByTestId('holder')).toHaveText('Lena Learner');
  await expect(stranger.getByTestId('verify-status')).toHaveText(/Valid certificate/);
  await expect(stranger).toHaveURL(verifyUrl);
  await expectNoHorizontalScroll(stranger);
  await stranger.emulateMedia({ media: 'print' });
  await expect(stranger.getByRole('button', { name: 'Print or save as PDF' })).toBeHidden();
  const pdf = await stranger.pdf({ preferCSSPageSize: true, printBackground: true });
  expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);
  await stranger.emulateMedia({ media: 'screen' });
  await stranger.goto('/verify/AAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  await expect(stranger.getByRole('heading', { name: 'No certificate with this link' })).toBeVisible();
  await visitor.close();
});

test('a revoked certificate shows as revoked, with the reason, on its public page', async ({ page, request }) => {
  // Ana's demo certificate stays valid for the other tests: revoke a new member's instead.
  const member = await registerMember(request, 'Rex Revoked');
  const file = course('heat-pump-sizing');
  const headers = { Authorization: `Bearer ${member.token}` };
  for (const lesson of file.modules.flatMap((module) => module.lessons)) {
    expect((await request.post(`/api/courses/heat-pump-sizing/lessons/${lesson}/complete`, { headers })).status()).toBe(
      200,
    );
  }
  const answers = Object.fromEntries(file.quiz.questions.map((question) => [question.id, question.answer]));
  const attempt = await request.post('/api/courses/heat-pump-sizing/quiz/attempts', { headers, data: { answers } });
  expect(attempt.status()).toBe(200);
  const { certificate } = await attempt.json();
  expect(certificate).toBeTruthy();

  await page.setViewportSize(PHONE);
  await signIn(page, 'admin@hub.demo');
  await page.goto('/manage/certificates');
  const row = page.getByTestId('staff-certificate').filter({ hasText: 'Rex Revoked' });
  await row.getByText('Revoke…').click();
  await row.getByRole('button', { name: 'Revoke certificate' }).click();
  await expect(row.getByRole('alert')).toHaveText('Please give a reason.');
  await row.getByLabel(/^Reason/).fill('Issued by mistake during a demo.');
  await row.getByRole('button', { name: 'Revoke certificate' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Revoked: Heat pumps' })).toBeVisible();
  await expect(row).toContainText('Revoked');
  await expectNoHorizontalScroll(page);

  const visitor = await page.context().browser()!.newContext({ viewport: PHONE });
  const stranger = await visitor.newPage();
  await stranger.goto(`/verify/${certificate.id}`);
  await expect(stranger.getByTestId('verify-status')).toContainText('This certificate was revoked');
  await expect(stranger.getByTestId('verify-status')).toContainText('Reason: Issued by mistake during a demo.');
  await visitor.close();
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
