import { expect, test, type Browser, type Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import {
  apiLogin,
  bearer,
  cachedLogin,
  expectNoHorizontalScroll,
  pointsOf,
  registerMember,
  signIn,
  uniqueEmail,
} from './helpers';

const PHONE = { width: 375, height: 740 };
const DESKTOP = { width: 1280, height: 800 };

/** An admin's page on a desktop whose clipboard the test can read. */
async function adminPage(browser: Browser, viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept()); // "replace the code?", "revoke?"
  await signIn(page, 'admin@hub.demo');
  return page;
}

test('an admin sets up an organization and a team, a newcomer joins with the copied link and earns points, and the overview shows one more active member', async ({
  browser,
  request,
}) => {
  const page = await adminPage(browser);
  const name = `Console Org ${randomUUID().slice(0, 6)}`;
  await page.goto('/manage/organizations');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Time zone').selectOption('America/Chicago');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Organization “${name}” created.` })).toBeVisible();
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const organizationId = page.url().split('/').pop()!;
  await expect(page.getByLabel('Time zone')).toHaveValue('America/Chicago');

  // The organization's own link, copied.
  await page.getByRole('button', { name: 'Copy invite link', exact: true }).click();
  const orgCode = (await page.getByTestId('org-invite-code').textContent())!.trim();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(new RegExp(`/register\\?code=${orgCode}$`));

  // A team, and its link.
  await page.getByLabel('Team name').fill('Night shift');
  await page.getByRole('button', { name: 'Add team' }).click();
  await expect(page.getByTestId('team').filter({ hasText: 'Night shift' })).toBeVisible();
  await page.getByRole('button', { name: 'Copy invite link for Night shift' }).click();
  await expect(page.getByTestId('team').getByRole('status')).toHaveText('Copied to the clipboard.');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain('/register?code=');

  // A newcomer opens the link in another browser and registers: the code is already filled in.
  const newcomer = await (await browser.newContext()).newPage();
  await newcomer.goto(link);
  await expect(newcomer.getByLabel('Invite code')).toHaveValue(new URL(link).searchParams.get('code')!);
  const email = uniqueEmail('newcomer');
  await newcomer.getByLabel('Your name').fill('Nina Newcomer');
  await newcomer.getByLabel('Email').fill(email);
  await newcomer.getByLabel('Password', { exact: true }).fill('a good long password');
  await newcomer.getByRole('button', { name: 'Create account' }).click();
  await expect(newcomer.getByTestId('balance')).toBeVisible();

  const member = await apiLogin(request, email, 'a good long password');
  const me = await (await request.get('/api/me', { headers: bearer(member.token) })).json();
  const admin = await cachedLogin(request, 'admin@hub.demo');
  const teams = await (
    await request.get(`/api/organizations/${organizationId}/teams`, { headers: bearer(admin.token) })
  ).json();
  expect(me).toMatchObject({ organizationId, teamId: teams.items[0].id, roles: ['member'] });

  // The organization's people list shows them.
  await page.getByRole('link', { name: `People in ${name}` }).click();
  await expect(page.getByTestId('person').filter({ hasText: email })).toBeVisible();

  // The admin's overview of the new organization: one member, nobody active yet.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click();
  await page.getByLabel('Organization', { exact: true }).selectOption({ label: name });
  await expect(page.getByTestId('tile-members')).toContainText('1');
  await expect(page.getByTestId('tile-active').locator('strong')).toHaveText('0');

  // The newcomer earns points: the first lesson of a course, read and marked complete.
  await newcomer.goto('/learn/heat-pump-sizing/lessons/how-a-heat-pump-works');
  await newcomer.getByRole('button', { name: 'Mark lesson complete' }).click();
  await expect(newcomer.getByTestId('lesson-status')).toHaveText('Lesson completed: +20 points.');

  // The overview shows one more active member.
  await page.reload();
  await page.getByLabel('Organization', { exact: true }).selectOption({ label: name });
  await expect(page.getByTestId('tile-active').locator('strong')).toHaveText('1');
});

test('an API key is shown once with a copy button, works, and stops working once revoked', async ({
  browser,
  request,
}) => {
  const page = await adminPage(browser);
  const keyName = `CRM ${randomUUID().slice(0, 6)}`;
  await page.goto('/manage/api-keys');
  await page.getByLabel('Name').fill(keyName);
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = page.getByTestId('api-key-secret');
  await expect(secret).toContainText('shown only this once');
  const key = await secret.getByLabel('API key').inputValue();
  expect(key.length).toBeGreaterThan(20);
  await secret.getByRole('button', { name: 'Copy' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

  const member = await registerMember(request, 'Keyed Member');
  const activity = (idempotencyKey: string) =>
    request.post('/api/activities', {
      headers: { 'X-Api-Key': key },
      data: { userId: member.id, type: 'contract.renewed', idempotencyKey },
    });
  expect((await activity(`key-${randomUUID()}`)).status()).toBe(201);

  await page.getByRole('button', { name: 'I have stored it' }).click();
  await expect(secret).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('api-key').filter({ hasText: keyName })).toBeVisible();
  expect(await page.content()).not.toContain(key);

  await page.getByRole('button', { name: `Revoke ${keyName}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `Key “${keyName}” revoked.` })).toBeVisible();
  await expect(page.getByTestId('api-key').filter({ hasText: keyName })).toHaveCount(0);
  expect((await activity(`key-${randomUUID()}`)).status()).toBe(401);
});

test("an adjustment with a reason shows in the member's balance and statement", async ({ browser, request }) => {
  const member = await registerMember(request, 'Adjusted Member');
  const page = await adminPage(browser);
  await page.goto('/manage/people');
  await page.getByLabel('Search by name or email').fill(member.email);
  const card = page.getByTestId('person').filter({ hasText: member.email });
  await expect(card).toHaveCount(1);
  await card.getByRole('link', { name: 'Adjust points' }).click();
  await expect(page.getByText(`Adjusting Adjusted Member (${member.email})`)).toBeVisible();
  await expect(page.getByTestId('adjust-balance')).toHaveText('Balance: 0 points');
  await page.getByLabel('Points (negative to take)').fill('120');
  await page.getByLabel('Reason').fill('Webinar outage goodwill');
  await page.getByRole('button', { name: 'Record adjustment' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Webinar outage goodwill' })).toContainText(
    'New balance: 120',
  );
  await expect(page.getByTestId('adjust-balance')).toHaveText('Balance: 120 points');

  const memberPage = await (await browser.newContext()).newPage();
  await signIn(memberPage, member.email, member.password);
  expect(pointsOf(await memberPage.getByTestId('balance').textContent())).toBe(120);
  const ledger = await (await request.get('/api/me/ledger', { headers: bearer(member.token) })).json();
  expect(ledger.items[0]).toMatchObject({ kind: 'adjust', amount: 120, reason: 'Webinar outage goodwill' });
});

test('the jobs page runs a job and shows what it did', async ({ browser }) => {
  const page = await adminPage(browser);
  await page.goto('/manage/jobs');
  const tiers = page.locator('[data-job="review-tiers"]');
  await expect(tiers.getByRole('heading', { name: 'Tier review' })).toBeVisible();
  await expect(page.locator('[data-job="expire-points"]')).toBeVisible();
  await expect(page.locator('[data-job="reconcile"]')).toBeVisible();
  await tiers.getByRole('button', { name: 'Run Tier review now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Tier review finished.' })).toBeVisible();
  const manual = tiers.getByTestId('job-run').filter({ hasText: 'Last run by an admin' });
  await expect(manual).toContainText('Succeeded');
  await expect(manual).toContainText('by Program admin');
  await expect(manual.locator('dl')).toBeVisible(); // its counts

  await page.locator('[data-job="reconcile"]').getByRole('button', { name: 'Run Reconcile wallets now' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Reconcile wallets finished.' })).toBeVisible();
  await expect(page.locator('[data-job="reconcile"]').getByTestId('job-run').first()).toContainText('entries');
});

test('every console page fits a 375 px phone, and the console menu follows the role', async ({ browser, request }) => {
  const admin = await cachedLogin(request, 'admin@hub.demo');
  const organizations = await (await request.get('/api/organizations', { headers: bearer(admin.token) })).json();
  const member = await registerMember(request, 'Phone Member');
  const page = await adminPage(browser, PHONE);

  await page.getByRole('button', { name: 'Menu' }).click();
  const menu = page.getByRole('navigation', { name: 'Main' });
  for (const label of ['Organizations', 'People and roles', 'API keys', 'Point adjustments', 'Jobs', 'Analytics']) {
    await expect(menu.getByRole('link', { name: label, exact: true })).toBeVisible();
  }

  const pages = [
    '/manage/organizations',
    `/manage/organizations/${organizations.items[0].id}`,
    '/manage/people',
    '/manage/api-keys',
    `/manage/adjustments?userId=${member.id}`,
    '/manage/adjustments',
    '/manage/jobs',
    '/manage/challenges',
    '/manage/approvals',
    '/manage/events',
    '/manage/campaigns',
    '/manage/rewards',
    '/manage/redemptions',
  ];
  for (const path of pages) {
    await page.goto(path);
    await expect(page.locator('main h1').first()).toBeVisible();
    await page.waitForLoadState('networkidle');
    await expectNoHorizontalScroll(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(375);
  }

  // The key's secret on a phone too.
  await page.goto('/manage/api-keys');
  await page.getByLabel('Name').fill(`Phone key ${randomUUID().slice(0, 6)}`);
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByTestId('api-key-secret')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

  // A member sees no console at all, and the program pages refuse them.
  const memberPage = await (await browser.newContext({ viewport: PHONE })).newPage();
  await signIn(memberPage, member.email, member.password);
  await memberPage.getByRole('button', { name: 'Menu' }).click();
  await expect(memberPage.getByRole('link', { name: 'Organizations' })).toHaveCount(0);
  await memberPage.goto('/manage/jobs');
  await expect(memberPage.getByRole('alert')).toContainText('This page is for program admins.');
});
