import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { bearer, cachedLogin, expectNoHorizontalScroll, pointsOf, registerMember, signIn } from './helpers';

/** A campaign by the demo product user, open from an hour ago for a week, aimed at everyone. */
async function createCampaign(request: Parameters<typeof cachedLogin>[0], fields: Record<string, unknown> = {}) {
  const product = await cachedLogin(request, 'product@hub.demo');
  const now = Date.now();
  const response = await request.post('/api/campaigns', {
    headers: bearer(product.token),
    data: {
      title: `Pulse ${randomUUID().slice(0, 8)}`,
      questions: [
        { id: 'recommend', type: 'nps', prompt: 'How likely are you to recommend us?', required: true },
        { id: 'support', type: 'rating', prompt: 'Rate our support', required: false },
        { id: 'why', type: 'text', prompt: 'Why?', required: false },
      ],
      incentivePoints: 40,
      opensAt: new Date(now - 3_600_000).toISOString(),
      closesAt: new Date(now + 7 * 86_400_000).toISOString(),
      ...fields,
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as { id: string; title: string };
}

test('a member answers an NPS campaign on a phone with the keyboard only, keeps a draft, and sees the points arrive', async ({
  page,
  request,
}) => {
  await page.setViewportSize({ width: 375, height: 740 });
  const campaign = await createCampaign(request);
  const member = await registerMember(request, 'Nora Nps');
  await signIn(page, member.email, member.password);
  const before = pointsOf(await page.getByTestId('balance').textContent());

  await page.goto('/feedback');
  const card = page.getByTestId('campaign').filter({ hasText: campaign.title });
  await expect(card).toContainText('40 points · 3 questions · closes');
  await expectNoHorizontalScroll(page);
  await card.getByRole('link', { name: `Answer: ${campaign.title}` }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: campaign.title })).toBeVisible();

  // The NPS question is a radio group named by its legend, with the scale ends written out.
  const nps = page.getByRole('group', { name: /How likely are you to recommend us\?/ });
  await expect(nps).toContainText('0 = not at all likely · 10 = extremely likely');
  await expect(nps.getByRole('radio')).toHaveCount(11);
  await nps.getByRole('radio', { name: '0', exact: true }).focus();
  for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
  await expect(nps.getByRole('radio', { name: '9', exact: true })).toBeChecked();
  await page.keyboard.press('Tab');
  const rating = page.getByRole('group', { name: /Rate our support/ });
  await expect(rating.getByRole('radio', { name: '1', exact: true })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(rating.getByRole('radio', { name: '4', exact: true })).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel(/Why\?/)).toBeFocused();
  await page.keyboard.type('Quick answers from the site office.');
  await expectNoHorizontalScroll(page);

  // Leaving the page keeps the unfinished answers on the device.
  await page.goto('/feedback');
  await page.goto(`/feedback/${campaign.id}`);
  await expect(
    page.getByRole('group', { name: /How likely/ }).getByRole('radio', { name: '9', exact: true }),
  ).toBeChecked();
  await expect(page.getByLabel(/Why\?/)).toHaveValue('Quick answers from the site office.');

  await page.getByLabel(/Why\?/).focus();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Send my answers (+40 points)' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Thank you!' })).toBeFocused();
  await expect(page.getByTestId('thanks')).toContainText('40 points are on their way');
  await expect(page.getByTestId('toast').filter({ hasText: '+40' })).toBeVisible();
  await expect(page.getByTestId('thanks-balance')).toHaveText(
    `Your balance: ${(before + 40).toLocaleString('en')} points`,
  );

  await page.goto('/feedback');
  await expect(page.getByTestId('campaign').filter({ hasText: campaign.title })).toContainText('Answered');
  expect(
    await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('hub:feedback-draft'))),
  ).toEqual([]);
});

test('a product user builds a campaign and watches its results chart fill', async ({ page, request }) => {
  const title = `Beta survey ${randomUUID().slice(0, 8)}`;
  await signIn(page, 'product@hub.demo');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feedback campaigns' }).click();
  await page.getByRole('link', { name: 'New campaign' }).click();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Incentive points').fill('25');
  // Open since yesterday (the builder proposes the next full hour, in the user's zone).
  const opens = page.getByLabel(/^Opens/);
  const proposed = new Date(`${await opens.inputValue()}:00Z`);
  await opens.fill(new Date(proposed.getTime() - 86_400_000).toISOString().slice(0, 16));
  await page.getByRole('button', { name: 'Add a question' }).click();
  await page.getByLabel('Question 2', { exact: true }).fill('Which features did you try?');
  await page.getByLabel('Type of question 2').selectOption('multi');
  await page.getByLabel('Options of question 2, one per line').fill('Reports\nMobile app\nExports');
  await page.getByRole('button', { name: 'Move question 2 up' }).click();
  await expect(page.getByLabel('Question 1', { exact: true })).toHaveValue('Which features did you try?');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('preview').getByRole('checkbox', { name: 'Mobile app' })).toBeVisible();
  await expect(page.getByTestId('preview').getByRole('radio')).toHaveCount(11);
  await page.getByRole('button', { name: 'Create campaign' }).click();

  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByTestId('responses')).toHaveText('0');
  const campaignId = page.url().split('/').pop()!;

  // Members answer while the page is open.
  for (const [name, score, features] of [
    ['Rita Reports', 10, ['Reports', 'Exports']],
    ['Sam Sceptic', 6, ['Reports']],
  ] as const) {
    const member = await registerMember(request, name);
    const answer = await request.post(`/api/campaigns/${campaignId}/responses`, {
      headers: bearer(member.token),
      data: { answers: { recommend: score, q2: features } },
    });
    expect(answer.status(), await answer.text()).toBe(201);
  }
  await expect(page.getByTestId('responses')).toHaveText('2', { timeout: 15_000 });
  await expect(page.getByTestId('nps-score')).toHaveText('0');
  await expect(page.getByTestId('nps-groups')).toHaveText('Detractors 1 · Passives 0 · Promoters 1');
  const chart = page.getByTestId('chart-q2');
  await chart.getByText('Show the numbers').click();
  await expect(chart.getByRole('row', { name: /Reports/ })).toContainText('2');
  await expect(chart.getByRole('row', { name: /Exports/ })).toContainText('1');
  await expect(page.getByTestId('nps-bar').locator('canvas')).toBeVisible();

  await page.getByRole('link', { name: 'Feedback campaigns' }).first().click();
  await expect(
    page.getByTestId('manage-campaign').filter({ hasText: title }).getByTestId('response-rate'),
  ).toContainText(/^2 of \d+ answered/);
});

test('the product console works on a 375 px phone: campaign list, builder with preview, results', async ({
  browser,
}) => {
  const phone = await browser.newContext({ viewport: { width: 375, height: 740 } });
  const page = await phone.newPage();
  await signIn(page, 'product@hub.demo');
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feedback campaigns' }).click();
  const closed = page.getByTestId('manage-campaign').filter({ hasText: 'Installer app beta: first impressions' });
  await expect(closed.getByTestId('response-rate')).toContainText(/answered/);
  await expectNoHorizontalScroll(page);

  // The builder: a long prompt and long options, previewed, must wrap rather than push sideways.
  await page.getByRole('link', { name: 'New campaign' }).click();
  await page.getByLabel('Title').fill('A campaign built on a phone with a rather long title to wrap');
  await page.getByRole('button', { name: 'Add a question' }).click();
  await page
    .getByLabel('Question 2', { exact: true })
    .fill('Which of the installer app’s features did you try during the first two weeks of the beta?');
  await page.getByLabel('Type of question 2').selectOption('multi');
  await page
    .getByLabel('Options of question 2, one per line')
    .fill('Reports for every project and every customer site\nMobile app\nExports');
  await expectNoHorizontalScroll(page);
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('preview').getByRole('radio')).toHaveCount(11);
  await expect(page.getByTestId('preview').getByRole('checkbox', { name: 'Mobile app' })).toBeVisible();
  await expectNoHorizontalScroll(page);
  const create = page.getByRole('button', { name: 'Create campaign' });
  await create.scrollIntoViewIfNeeded();
  await expect(create).toBeInViewport();

  // Results of the demo's closed campaign: figures, the NPS bar, charts and the breakdowns.
  await page.goto('/manage/campaigns');
  await closed.getByRole('link', { name: /^Results/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Installer app beta: first impressions' })).toBeVisible();
  await expect(page.getByTestId('nps-score')).toBeVisible();
  await expect(page.getByTestId('nps-bar').locator('canvas')).toBeVisible();
  const firstChart = page.locator('[data-testid^="chart-"]').first();
  await firstChart.getByText('Show the numbers').click();
  await expect(firstChart.getByRole('table')).toBeVisible();
  await expectNoHorizontalScroll(page);
  const download = page.getByRole('button', { name: /CSV/ });
  await download.scrollIntoViewIfNeeded();
  await expect(download).toBeVisible();
  await phone.close();
});
