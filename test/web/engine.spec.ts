import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import {
  apiLogin,
  bearer,
  cachedLogin,
  createChallenge,
  expectNoHorizontalScroll,
  pointsOf,
  registerMember,
  signIn,
} from './helpers';

test('a member completes an evidence challenge after manager approval and sees the toast, the badge in the gallery and the new balance', async ({
  page,
  browser,
  request,
}) => {
  const title = `Site photo ${randomUUID().slice(0, 8)}`;
  const challenge = await createChallenge(request, {
    title,
    description: 'Share a photo of a finished heat pump installation.',
    kind: 'evidence',
    points: 120,
    badgeKey: 'challenger',
  });
  const member = await registerMember(request, 'Evi Evidence');

  await signIn(page, member.email, member.password);
  const before = pointsOf(await page.getByTestId('balance').textContent());
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Challenges', exact: true }).click();
  await page.getByRole('link', { name: title }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByTestId('challenge-status')).toHaveText('Open');
  await page.getByLabel('What did you do?').fill('Installed a heat pump at site 42 and cleaned up.');
  await page.getByLabel('Link to a photo or document (optional)').fill('https://photos.example.com/site-42.jpg');
  await page.getByRole('button', { name: 'Submit evidence' }).click();
  await expect(page.getByTestId('pending')).toContainText('waiting for approval');
  await expect(page.getByRole('button', { name: 'Submit evidence' })).toHaveCount(0);
  // Anything reloading the page would drop this marker.
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

  // The manager approves in a browser of their own.
  const managerContext = await browser.newContext();
  const managerPage = await managerContext.newPage();
  await signIn(managerPage, 'manager@hub.demo');
  await managerPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Approvals' }).click();
  await expect(managerPage.getByRole('heading', { level: 1, name: 'Approvals' })).toBeVisible();
  const submission = managerPage.getByTestId('submission').filter({ hasText: title });
  await expect(submission).toContainText('Evi Evidence');
  await expect(submission).toContainText('Installed a heat pump at site 42');
  await submission.getByLabel('Comment (optional)').fill('Neat work!');
  await submission.getByRole('button', { name: 'Approve' }).click();
  await expect(
    managerPage.getByRole('status').filter({ hasText: `Approved: ${title} for Evi Evidence.` }),
  ).toBeVisible();
  await expect(submission).toHaveCount(0);
  await managerContext.close();

  // The member's open page hears about it at once.
  await expect(page.getByTestId('toast').filter({ hasText: `Challenge completed: ${title} (+120)` })).toBeVisible();
  await expect(page.getByTestId('challenge-status')).toHaveText('Completed');
  await expect(page.getByRole('link', { name: /^Notifications, [1-9]\d* unread$/ })).toBeVisible();
  await nav.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByTestId('balance')).toHaveText((before + 120).toLocaleString('en'));

  await nav.getByRole('link', { name: 'Badges' }).click();
  await expect(page.getByTestId('badge-challenger')).toHaveAttribute('data-earned', 'true');
  await expect(page.getByTestId('badge-challenger')).toContainText('Earned');
  await expect(page.getByTestId('badge-bookworm')).toHaveAttribute('data-earned', 'false');
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

  // The challenge-completed notification is in the inbox; opening it shows the challenge and marks it read.
  await page.getByRole('link', { name: /^Notifications, / }).click();
  const notification = page.getByTestId('notification').filter({ hasText: `Challenge completed: ${title}` });
  await expect(notification).toContainText('120 points are on their way');
  await expect(notification.getByText('New', { exact: true })).toBeVisible();
  await notification.getByRole('link', { name: `Challenge completed: ${title} (+120)` }).click();
  await expect(page).toHaveURL(new RegExp(`/challenges/${challenge.id}$`));
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await page.goBack();
  await expect(notification.getByText('New', { exact: true })).toHaveCount(0);
  await page.getByRole('button', { name: 'Mark all read' }).click();
  await expect(page.getByRole('link', { name: 'Notifications, 0 unread' })).toBeVisible();
});

test('How to earn lists every rule the API has in force', async ({ page, request }) => {
  const ana = await apiLogin(request, 'ana@northwind.demo');
  const rules: {
    activityType: string;
    points: number;
    description: string;
    caps?: Record<string, number>;
    tierMultipliers?: Record<string, number>;
  }[] = (await (await request.get('/api/rules', { headers: bearer(ana.token) })).json()).items;
  expect(rules.length).toBeGreaterThan(0);

  await signIn(page, 'ana@northwind.demo');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'How to earn' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'How to earn points' })).toBeVisible();
  await expect(page.getByTestId('rule')).toHaveCount(rules.length);
  for (const rule of rules) {
    const card = page.locator(`[data-testid="rule"][data-activity-type="${rule.activityType}"]`);
    await expect(card).toContainText(rule.description);
    await expect(card).toContainText(`Earn ${rule.points.toLocaleString('en')} point`);
    for (const [period, cap] of Object.entries(rule.caps ?? {})) {
      await expect(card).toContainText(`At most ${cap.toLocaleString('en')} points a ${period}`);
    }
    for (const factor of Object.values(rule.tierMultipliers ?? {})) {
      await expect(card).toContainText(`× ${factor.toLocaleString('en')}`);
    }
  }
});

test('challenges, badges, notifications and approvals fit a 375 px phone without horizontal scrolling', async ({
  page,
  browser,
  request,
}) => {
  const member = await registerMember(request, 'Pia Phone');
  const manager = await cachedLogin(request, 'manager@hub.demo');
  const longWord = 'Supercalifragilistic-heat-pump-installation-'.repeat(2);
  const done = await createChallenge(request, { title: `Done ${longWord}`, badgeKey: 'challenger' });
  const waiting = await createChallenge(request, { title: `Waiting ${longWord}` });
  await createChallenge(request, {
    title: `Team ${randomUUID().slice(0, 8)}`,
    kind: 'team',
    goal: { activityType: 'lesson.completed', count: 5 },
  });
  for (const challenge of [done, waiting]) {
    const response = await request.post(`/api/challenges/${challenge.id}/submissions`, {
      headers: bearer(member.token),
      data: { text: `Evidence ${longWord}`, url: `https://photos.example.com/${longWord}.jpg` },
    });
    expect(response.status()).toBe(201);
  }
  const queue = (
    await (await request.get('/api/submissions?status=pending', { headers: bearer(manager.token) })).json()
  ).items as { id: string; challengeId: string }[];
  const toApprove = queue.find((item) => item.challengeId === done.id)!;
  const approved = await request.post(`/api/submissions/${toApprove.id}/approve`, {
    headers: bearer(manager.token),
    data: {},
  });
  expect(approved.status()).toBe(200);

  await page.setViewportSize({ width: 375, height: 740 });
  await signIn(page, member.email, member.password);
  await expectNoHorizontalScroll(page);
  for (const [path, heading] of [
    ['/challenges', 'Challenges'],
    ['/challenges/' + waiting.id, `Waiting ${longWord}`],
    ['/badges', 'Badges'],
    ['/how-to-earn', 'How to earn points'],
    ['/notifications', 'Notifications'],
  ]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(page.getByText('Loading…')).toHaveCount(0);
    await expectNoHorizontalScroll(page);
  }
  await expect(page.getByTestId('notification').first()).toBeVisible(); // the inbox is not empty
  await expectNoHorizontalScroll(page);

  const managerContext = await browser.newContext({ viewport: { width: 375, height: 740 } });
  const managerPage = await managerContext.newPage();
  await signIn(managerPage, 'manager@hub.demo');
  for (const path of ['/manage/approvals', '/manage/challenges', '/manage/challenges/new']) {
    await managerPage.goto(path);
    await expect(managerPage.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(managerPage.getByText('Loading…')).toHaveCount(0);
    await expectNoHorizontalScroll(managerPage);
  }
  await managerPage.goto('/manage/approvals');
  await expect(managerPage.getByTestId('submission').filter({ hasText: `Waiting ${longWord}` })).toBeVisible();
  await expectNoHorizontalScroll(managerPage);
  await managerContext.close();
});

test("a manager's challenge dates are read and shown in the manager's own time zone", async ({ page, request }) => {
  // A fresh manager in Tokyo (UTC+9 all year), so no other test depends on their settings.
  const person = await registerMember(request, 'Kenji Manager');
  const admin = await cachedLogin(request, 'admin@hub.demo');
  const promoted = await request.post(`/api/users/${person.id}/roles`, {
    headers: bearer(admin.token),
    data: { roles: ['manager'] },
  });
  expect(promoted.status()).toBe(200);
  const manager = await apiLogin(request, person.email, person.password);
  await request.patch('/api/me', { headers: bearer(manager.token), data: { timezone: 'Asia/Tokyo' } });

  const title = `Tokyo sprint ${randomUUID().slice(0, 8)}`;
  await signIn(page, person.email, person.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Manage challenges' }).click();
  await page.getByRole('link', { name: 'New challenge' }).click();
  await expect(page.getByText('Times are in Asia/Tokyo.')).toBeVisible();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Description').fill('Three lessons in the first week of the year.');
  await page.getByLabel('Kind').selectOption('auto');
  await page.getByLabel('Points').fill('75');
  await page.getByLabel('Starts').fill('2030-01-10T09:00');
  await page.getByLabel('Ends').fill('2030-01-17T18:30');
  await page.getByLabel('Activity').selectOption('lesson.completed');
  await page.getByLabel('How many').fill('3');
  await page.getByRole('checkbox', { name: 'Gold' }).check();
  await page.getByRole('button', { name: 'Create challenge' }).click();

  await expect(page).toHaveURL(/\/manage\/challenges$/);
  await expect(page.getByTestId('toast').filter({ hasText: `Challenge saved: ${title}` })).toBeVisible();
  await page.getByRole('link', { name: `Edit: ${title}` }).click();
  await expect(page).toHaveURL(/\/manage\/challenges\/[0-9a-f]{24}$/);
  const id = page.url().split('/').pop()!;
  const saved = await (await request.get(`/api/challenges/${id}`, { headers: bearer(manager.token) })).json();
  expect(saved).toMatchObject({
    title,
    kind: 'auto',
    points: 75,
    startsAt: '2030-01-10T00:00:00.000Z',
    endsAt: '2030-01-17T09:30:00.000Z',
    goal: { activityType: 'lesson.completed', count: 3 },
    audience: { tiers: ['gold'] },
  });

  // Editing shows the same wall times and saves changes back.
  await expect(page.getByLabel('Starts')).toHaveValue('2030-01-10T09:00');
  await expect(page.getByLabel('Ends')).toHaveValue('2030-01-17T18:30');
  await page.getByLabel('Ends').fill('2030-01-18T08:00');
  await page.getByRole('button', { name: 'Save challenge' }).click();
  await expect(page).toHaveURL(/\/manage\/challenges$/);
  const edited = await (await request.get(`/api/challenges/${id}`, { headers: bearer(manager.token) })).json();
  expect(edited.endsAt).toBe('2030-01-17T23:00:00.000Z');

  // An end before the start is explained before anything is sent.
  await page.getByRole('link', { name: `Edit: ${title}` }).click();
  await page.getByLabel('Ends').fill('2030-01-09T09:00');
  await page.getByRole('button', { name: 'Save challenge' }).click();
  await expect(page.getByRole('alert')).toHaveText('The end must be after the start.');
});

test("the approval queue shows the API's refusal when a submission was already decided", async ({ page, request }) => {
  const challenge = await createChallenge(request, { title: `Decided ${randomUUID().slice(0, 8)}` });
  const member = await registerMember(request, 'Dora Double');
  const submitted = await request.post(`/api/challenges/${challenge.id}/submissions`, {
    headers: bearer(member.token),
    data: { text: 'Done it twice over.' },
  });
  expect(submitted.status()).toBe(201);
  const { id } = await submitted.json();

  await signIn(page, 'manager@hub.demo');
  await page.goto('/manage/approvals');
  const card = page.getByTestId('submission').filter({ hasText: challenge.title });
  await expect(card).toBeVisible();
  // Another manager decides first.
  const manager = await cachedLogin(request, 'manager@hub.demo');
  const rejected = await request.post(`/api/submissions/${id}/reject`, {
    headers: bearer(manager.token),
    data: { comment: 'Needs a photo.' },
  });
  expect(rejected.status()).toBe(200);
  const refusal = await request.post(`/api/submissions/${id}/approve`, { headers: bearer(manager.token), data: {} });
  expect(refusal.status()).toBe(409);
  const { message } = await refusal.json();

  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(card.getByRole('alert')).toHaveText(message);
  await expect(card).toBeVisible(); // still listed: nothing was decided here
});
