import { expect, test } from '@playwright/test';
import { adjustPoints, apiLogin, signIn, uniqueEmail } from './helpers';

test('a new member registers with the demo invite code and watches points arrive live', async ({ page, request }) => {
  const email = uniqueEmail('newcomer');
  await page.goto('/register?code=NORTHWIND');
  await expect(page.getByLabel('Invite code')).toHaveValue('NORTHWIND');
  await page.getByLabel('Your name').fill('Nora Newcomer');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('a good long password');
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Hello, Nora Newcomer' })).toBeVisible();
  await expect(page.getByTestId('balance')).toHaveText('0');
  await expect(page.getByTestId('tier')).toHaveText('Member');
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-connected', 'true');

  // Anything reloading the page would drop this marker.
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
  const member = await apiLogin(request, email, 'a good long password');
  await adjustPoints(request, member.id, 1250, 'Welcome to the program');

  await expect(page.getByTestId('toast')).toContainText('+1,250 points: Welcome to the program');
  await expect(page.getByTestId('balance')).toHaveText('1,250');
  await expect(page.getByTestId('ledger')).toContainText('Welcome to the program');
  await expect(page.getByTestId('tier')).toHaveText('Silver');
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
});

test('the dashboard fits a 375 px phone without horizontal scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signIn(page, 'ana@northwind.demo');
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);

  // The phone menu opens from the keyboard and leads to every section.
  const menu = page.getByRole('button', { name: 'Menu' });
  await menu.focus();
  await page.keyboard.press('Enter');
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rewards' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Rewards' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
});

test('signing in works from the keyboard alone, and signing out returns to sign-in', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Email')).toBeFocused();
  await page.keyboard.type('bo@northwind.demo');
  await page.keyboard.press('Tab');
  await page.keyboard.type('demo-pass-2026');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('balance')).toHaveText('1,280');

  await page.reload(); // the session survives a reload
  await expect(page.getByTestId('balance')).toHaveText('1,280');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
});

test('a wrong password is explained on the page', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill('ana@northwind.demo');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password');
});

test('ledger dates are shown in the time zone the member chose', async ({ page, request }) => {
  await signIn(page, 'chen@northwind.demo');
  const chen = await apiLogin(request, 'chen@northwind.demo');
  const entries = await (
    await request.get('/api/me/ledger', { headers: { Authorization: `Bearer ${chen.token}` } })
  ).json();
  const createdAt: string = entries.items[0].createdAt;
  const expected = (zone: string) =>
    new Intl.DateTimeFormat('en', {
      month: 'short',
      day: 'numeric',
      year: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZone: zone,
    }).format(new Date(createdAt));

  await page.getByRole('link', { name: 'Profile' }).first().click();
  await page.getByLabel('Time zone').selectOption('Pacific/Kiritimati'); // UTC+14
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await page.getByRole('link', { name: 'Dashboard' }).first().click();
  await expect(page.getByTestId('ledger').locator('time').first()).toHaveText(expected('Pacific/Kiritimati'));
});
