import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { bearer, cachedLogin, registerMember, signIn } from './helpers';

// Every list page shows loading, errors, empty and "show more" through one helper
// (client/src/lib/state/resource.svelte.ts); these check its behaviour on two of them.

test('a list that fails to load says why and loads on "Try again"', async ({ page }) => {
  await signIn(page, 'ana@northwind.demo');
  await page.route('**/api/challenges', (route) =>
    route.fulfill({
      status: 503,
      json: { statusCode: 503, error: 'Service Unavailable', message: 'The hub is busy, sorry.' },
    }),
  );
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Challenges', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('The hub is busy, sorry.');
  await expect(page.getByTestId('challenge')).toHaveCount(0);

  await page.unroute('**/api/challenges');
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('challenge').first()).toBeVisible();
});

test('the dashboard ledger shows ten entries, then the rest on "Show more"', async ({ page, request }) => {
  const member = await registerMember(request, 'Lea Ledger');
  const admin = await cachedLogin(request, 'admin@hub.demo');
  for (let entry = 1; entry <= 12; entry++) {
    const response = await request.post('/api/points/adjustments', {
      headers: bearer(admin.token),
      data: { userId: member.id, amount: entry, reason: `Entry ${entry}`, idempotencyKey: `lists-${randomUUID()}` },
    });
    expect(response.status()).toBe(201);
  }

  await signIn(page, member.email, member.password);
  const entries = page.getByTestId('ledger').getByRole('listitem');
  await expect(entries).toHaveCount(10);
  await expect(entries.first()).toContainText('Entry 12'); // newest first
  await page.getByRole('button', { name: 'Show more' }).click();
  await expect(entries).toHaveCount(12);
  await expect(entries.last()).toContainText('Entry 1');
  await expect(page.getByRole('button', { name: 'Show more' })).toHaveCount(0); // nothing left
});
