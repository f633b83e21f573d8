import { expect, test } from '@playwright/test';
import { adjustPoints, bearer, registerMember, signIn } from './helpers';

type Stored = { type: string; title: string; link?: string; params: Record<string, string | number> };

test('notifications speak from the client’s catalog, and a click on one (toast or inbox) opens its link', async ({
  page,
  request,
}) => {
  const member = await registerMember(request, 'Nils Notified');
  await signIn(page, member.email, member.password);

  // 5,000 points at once: Gold (member → gold) and the "High flyer" badge, each announced live.
  await adjustPoints(request, member.id, 5000, 'Trade fair bonus');
  const toast = page.getByTestId('toast');
  await expect(toast.getByRole('link', { name: '+5,000 points: Trade fair bonus' })).toBeVisible();
  await expect(toast.getByRole('link', { name: 'Welcome to Gold!' })).toBeVisible();
  const badgeToast = toast.getByRole('link', { name: 'You earned a badge: High flyer' });
  await badgeToast.click();
  await expect(page).toHaveURL(/\/badges$/);
  await expect(page.getByTestId('badge-high-flyer')).toHaveAttribute('data-earned', 'true');
  await expect(toast).toHaveCount(0); // following a toast's link dismisses it

  // The server stored English fallbacks; the inbox shows the catalog's wording instead.
  const inbox = await request.get('/api/me/notifications', { headers: bearer(member.token) });
  const stored: Stored[] = (await inbox.json()).items;
  const badge = stored.find((item) => item.type === 'badge.earned')!;
  const tier = stored.find((item) => item.type === 'tier.changed')!;
  expect(badge).toMatchObject({ title: 'New badge: High flyer', link: '/badges', params: { name: 'High flyer' } });
  expect(tier).toMatchObject({ title: 'Welcome to Gold!', link: '/', params: { variant: 'up', tier: 'Gold' } });

  await page.getByTestId('notification-bell').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
  const items = page.getByTestId('notification');
  await expect(items).toHaveCount(2);
  const badgeEntry = items.and(page.locator('[data-type="badge.earned"]'));
  await expect(badgeEntry.getByRole('link')).toHaveText('You earned a badge: High flyer'); // catalog only
  await expect(page.getByText(badge.title)).toHaveCount(0); // never the English fallback
  await expect(badgeEntry).toContainText('Earn 5,000 points in total.'); // the badge's description (params)
  await expect(badgeEntry.getByText('New', { exact: true })).toHaveCount(0); // read when its toast was opened

  const tierEntry = items.and(page.locator('[data-type="tier.changed"]'));
  await expect(tierEntry).toContainText('Your new benefits are on your dashboard.'); // catalog only
  await expect(tierEntry.getByText('New', { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Notifications, 1 unread' })).toBeVisible();
  await tierEntry.getByRole('link', { name: 'Welcome to Gold!' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('tier')).toHaveText('Gold');
  await expect(page.getByRole('link', { name: 'Notifications, 0 unread' })).toBeVisible();
});
