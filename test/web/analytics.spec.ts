import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { bearer, cachedLogin, expectNoHorizontalScroll, registerMember, signIn, uniqueEmail } from './helpers';

test('an admin picks a new organization, a member joins and earns points, and the overview shows one more active member', async ({
  page,
  request,
}) => {
  const admin = await cachedLogin(request, 'admin@hub.demo');
  const name = `Analytics Org ${randomUUID().slice(0, 6)}`;
  const created = await request.post('/api/organizations', {
    headers: bearer(admin.token),
    data: { name, timezone: 'Europe/Stockholm' },
  });
  expect(created.status()).toBe(201);
  const organization = (await created.json()) as { id: string; inviteCode: string };
  const joined = await request.post('/api/auth/register', {
    data: {
      email: uniqueEmail('ola'),
      password: 'a good long password',
      displayName: 'Ola Active',
      inviteCode: organization.inviteCode,
    },
  });
  expect(joined.status()).toBe(201);
  const member = (await joined.json()) as { user: { id: string } };

  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, 'admin@hub.demo');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Analytics' })).toBeVisible();
  await page.getByLabel('Organization', { exact: true }).selectOption({ label: name });
  await expect(page.getByTestId('analytics-range')).toContainText('Europe/Stockholm time');
  await expect(page.getByTestId('tile-members')).toContainText('1');
  await expect(page.getByTestId('tile-active').locator('strong')).toHaveText('0');
  // Side by side, the new organization (nobody active yet) is marked in words, not only in colour.
  const row = page.getByTestId('organization-row').filter({ hasText: name });
  await expect(row).toContainText('Low participation');

  const key = await request.post('/api/api-keys', { headers: bearer(admin.token), data: { name: 'web-analytics' } });
  expect(key.status()).toBe(201);
  const activity = await request.post('/api/activities', {
    headers: { 'X-Api-Key': (await key.json()).key },
    data: { userId: member.user.id, type: 'lesson.completed', idempotencyKey: `web-${randomUUID()}` },
  });
  expect(activity.status()).toBe(201);

  await page.getByLabel('Range', { exact: true }).selectOption({ label: 'Last 7 days' });
  await expect(page.getByTestId('tile-active').locator('strong')).toHaveText('1');
  await expect(page.getByTestId('tile-participation')).toContainText('100 %');
  await expect(row).not.toContainText('Low participation');
  await expect(row).toContainText('1 of 1 members active');
  // The chart's numbers are a table too.
  const chart = page.getByTestId('chart-active');
  await chart.getByText('Show the numbers').click();
  await expect(chart.getByRole('table')).toBeVisible();
  await expect(chart.getByRole('row')).toHaveCount(8); // a header and seven days
});

test('the analytics page works on a phone: no sideways scroll, labelled charts, the member CSV', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signIn(page, 'manager@hub.demo');
  await page.goto('/manage/analytics');
  await expect(page.getByTestId('tile-active')).toBeVisible();
  for (const id of ['chart-active', 'chart-points', 'chart-nps', 'chart-features']) {
    await expect(page.getByTestId(id).getByRole('img')).toHaveAttribute('aria-label', /chart/);
  }
  await expect(page.getByTestId('organization-row').first()).toBeVisible();
  await expectNoHorizontalScroll(page);
  await page.getByLabel('Group by', { exact: true }).selectOption('week');
  await page.getByLabel('Range', { exact: true }).selectOption({ label: 'Custom dates' });
  await expect(page.getByLabel('From', { exact: true })).toBeVisible();
  await expectNoHorizontalScroll(page);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download members (CSV)' }).click();
  expect((await download).suggestedFilename()).toMatch(/^members-program-.*\.csv$/);
});

test('members do not see analytics', async ({ page, request }) => {
  const member = await registerMember(request, 'Mia Member');
  await signIn(page, member.email, member.password);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' })).toHaveCount(0);
  await page.goto('/manage/analytics');
  await expect(page.getByRole('alert')).toContainText('Analytics are for managers');
});
