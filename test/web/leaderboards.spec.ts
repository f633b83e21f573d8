import { expect, test } from '@playwright/test';
import { DateTime } from 'luxon';
import {
  adjustPoints,
  cachedLogin,
  expectNoHorizontalScroll,
  expectSamePage,
  markPage,
  readBoard,
  registerMember,
  signIn,
} from './helpers';

test('a colleague taking the lead moves to the top of an open weekly board without a reload', async ({
  browser,
  request,
}) => {
  const climber = await registerMember(request, 'Alva Climber');
  const watcher = await registerMember(request, 'Bert Watcher');

  // The climber and the watcher each have the weekly board of their organization open.
  const climberContext = await browser.newContext();
  const climberPage = await climberContext.newPage();
  await signIn(climberPage, climber.email, climber.password);
  await climberPage.goto('/leaderboards');

  const watcherContext = await browser.newContext();
  const page = await watcherContext.newPage();
  await signIn(page, watcher.email, watcher.password);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Leaderboards' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Leaderboards' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Individuals' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'This week' })).toHaveAttribute('aria-selected', 'true');
  for (const open of [page, climberPage]) {
    await expect(open.getByTestId('board-live')).toHaveAttribute('data-subscribed', 'true');
  }

  const rows = page.getByTestId('board-row');
  const before = await readBoard(request, watcher.token, 'individual', 'week');
  expect(before.items.length).toBeGreaterThan(0); // the demo members have points this week
  await expect(rows).toHaveCount(before.items.length);
  await expect(rows.first()).not.toHaveAttribute('data-id', climber.id);
  await expect(page.locator(`[data-testid="board-row"][data-id="${climber.id}"]`)).toHaveCount(0);
  // The watcher has no points yet, so is outside the list and pinned below it.
  const pinned = page.getByTestId('board-me');
  await expect(pinned).toHaveAttribute('data-me', 'true');
  await expect(pinned).toContainText('You');
  await expect(pinned.getByRole('cell').first()).toHaveText(String(before.me!.rank));
  await markPage(page);

  await adjustPoints(request, climber.id, before.items[0].points + 500, 'Leaderboard sprint');

  const top = rows.first();
  await expect(top).toHaveAttribute('data-id', climber.id);
  await expect(top).toContainText('Alva Climber');
  await expect(top).toHaveAttribute('data-me', 'false');
  await expect(rows).toHaveCount(Math.min(10, before.items.length + 1));
  // The push carries only the top 10; the watcher's own place is fetched again and drops by one.
  await expect(pinned.getByRole('cell').first()).toHaveText(String(before.me!.rank + 1));
  await expectSamePage(page);

  // The climber sees the same board with their own row on top, marked as theirs.
  await expect(climberPage.getByTestId('board-row').first()).toHaveAttribute('data-id', climber.id);
  await expect(climberPage.getByTestId('board-row').first()).toHaveAttribute('data-me', 'true');
  await expect(climberPage.getByTestId('board-me')).toHaveCount(0);

  await climberContext.close();
  await watcherContext.close();
});

test('the leaderboards and the dashboard fit a 375 px phone without horizontal scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await signIn(page, 'ana@northwind.demo');
  const standing = page.getByTestId('standing');
  await expect(standing.getByTestId('standing-me')).toContainText(/#\d+/);
  await expect(standing.getByTestId('standing-team')).toContainText('North crew');
  await expectNoHorizontalScroll(page);

  await standing.getByRole('link', { name: 'See the leaderboards' }).click();
  await expect(page).toHaveURL(/\/leaderboards$/);
  for (const scope of ['Individuals', 'Teams', 'Organizations']) {
    await page.getByRole('tab', { name: scope }).click();
    await expect(page.getByRole('heading', { level: 2, name: `${scope} · This week` })).toBeVisible();
    await expect(page.getByTestId('board-row').first()).toBeVisible();
    await expectNoHorizontalScroll(page);
  }
  await page.getByRole('tab', { name: 'All time' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Organizations · All time' })).toBeVisible();
  await expectNoHorizontalScroll(page);
});

test('the board and period tabs work from the keyboard, and periods are the board’s own days', async ({
  browser,
  request,
}) => {
  const ana = await cachedLogin(request, 'ana@northwind.demo');
  const board = await readBoard(request, ana.token, 'individual', 'week');
  const month = await readBoard(request, ana.token, 'individual', 'month');
  expect(board.timezone).toBe('Europe/Stockholm');
  // A viewer in UTC, reading British English: the days are Stockholm's (the end is exclusive), and
  // the exact instants, an hour or two earlier in UTC, are in the tooltip.
  const inZone = (iso: string) => DateTime.fromISO(iso, { zone: board.timezone }).setLocale('en-GB');
  const first = inZone(board.start!);
  const last = inZone(board.end!).minus({ days: 1 });
  expect(first.weekday).toBe(1);
  const day = first.year === last.year ? 'ccc d LLL' : 'ccc, d LLL yyyy';
  const week = `${first.toFormat(day)} – ${last.toFormat(day)}, Stockholm time`;
  const exact = (iso: string) =>
    DateTime.fromISO(iso, { zone: 'UTC' }).setLocale('en-GB').toLocaleString(DateTime.DATETIME_MED);
  const tooltip = `Exactly from ${exact(board.start!)} until ${exact(board.end!)}, your time (UTC)`;
  const monthEnd = inZone(month.end!).minus({ days: 1 });
  const days = `1 – ${monthEnd.day} ${monthEnd.toFormat('LLLL')}, Stockholm time`;

  const context = await browser.newContext({ timezoneId: 'UTC', locale: 'en-GB' });
  const page = await context.newPage();
  await signIn(page, 'ana@northwind.demo');
  await page.goto('/leaderboards');
  await expect(page.getByTestId('board-period')).toHaveText(week);
  await expect(page.getByTestId('board-period')).toHaveAttribute('title', tooltip);
  await expect(page.getByTestId('board-exact')).toHaveText(tooltip); // the tooltip, for screen readers
  expect(exact(board.start!)).toMatch(/2[23]:00$/); // Monday 00:00 in Stockholm is Sunday evening in UTC
  await expect(page.locator('[data-testid="board-row"][data-me="true"]')).toContainText('Ana Lind');

  const scopes = page.getByRole('tablist', { name: 'Board' });
  const periods = page.getByRole('tablist', { name: 'Period' });
  const heading = page.locator('#period-panel').getByRole('heading', { level: 2 });
  await scopes.getByRole('tab', { name: 'Individuals' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(scopes.getByRole('tab', { name: 'Teams' })).toBeFocused();
  await expect(scopes.getByRole('tab', { name: 'Teams' })).toHaveAttribute('aria-selected', 'true');
  await expect(heading).toHaveText('Teams · This week');
  await expect(page.locator('[data-testid="board-row"][data-me="true"]')).toContainText('North crew');
  await page.keyboard.press('End');
  await expect(scopes.getByRole('tab', { name: 'Organizations' })).toBeFocused();
  await expect(heading).toHaveText('Organizations · This week');
  await page.keyboard.press('ArrowRight'); // wraps around
  await expect(scopes.getByRole('tab', { name: 'Individuals' })).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(scopes.getByRole('tab', { name: 'Organizations' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(heading).toHaveText('Individuals · This week');
  for (const other of ['Teams', 'Organizations']) {
    await expect(scopes.getByRole('tab', { name: other })).toHaveAttribute('tabindex', '-1');
  }

  // One tab stop per tab list: Tab leaves the board tabs for the selected period tab.
  await page.keyboard.press('Tab');
  await expect(periods.getByRole('tab', { name: 'This week' })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(periods.getByRole('tab', { name: 'This month' })).toHaveAttribute('aria-selected', 'true');
  await expect(heading).toHaveText('Individuals · This month');
  await expect(page.getByTestId('board-period')).toHaveText(days);
  await page.keyboard.press('End');
  await expect(heading).toHaveText('Individuals · All time');
  await expect(page.getByTestId('board-period')).toHaveText('Every point since the program began');
  await expect(page.getByTestId('board-period')).not.toHaveAttribute('title', /./);
  await page.keyboard.press('Tab');
  await expect(page.locator('#period-panel')).toBeFocused();
  await context.close();
});
