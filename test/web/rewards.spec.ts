import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { adjustPoints, bearer, cachedLogin, expectNoHorizontalScroll, registerMember, signIn } from './helpers';

test.describe('rewards', () => {
  test('a member redeems on a phone and sees the balance drop; the admin fulfils and the code arrives live', async ({
    browser,
    request,
  }) => {
    const admin = await cachedLogin(request, 'admin@hub.demo');
    const name = `Site tool voucher ${randomUUID().slice(0, 6)}`;
    const created = await request.post('/api/rewards', {
      headers: bearer(admin.token),
      data: { name, description: 'A voucher for the site tool shop.', kind: 'gift-card', cost: 200, stock: 5 },
    });
    expect(created.status()).toBe(201);
    const member = await registerMember(request, 'Rita Redeemer');
    await adjustPoints(request, member.id, 500, 'Welcome bonus');

    const phone = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await phone.newPage();
    await signIn(page, member.email, member.password);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rewards' }).click();
    await expect(page.getByTestId('balance')).toHaveText('You have 500 points to spend');
    const card = page.getByTestId('reward').filter({ hasText: name });
    await expect(card).toContainText('200 points');
    await expect(card).toContainText('5 left');
    await card.getByRole('button', { name: 'Redeem' }).click();
    await expect(card).toContainText('300 will be left');
    await card.getByRole('button', { name: 'Yes, redeem for 200 points' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Redeemed: ${name}` })).toBeVisible();
    await expect(page.getByTestId('balance')).toHaveText('You have 300 points to spend');
    await expect(card).toContainText('4 left');
    // The gold-only demo reward is locked, with the tier it needs.
    await expect(
      page.getByTestId('reward').filter({ hasText: 'Gold lounge at the installer fair' }).getByTestId('locked'),
    ).toHaveText(/For Gold members and above/);
    await expectNoHorizontalScroll(page);

    await page.getByRole('link', { name: 'My redemptions' }).first().click();
    const item = page.getByTestId('redemption').filter({ hasText: name });
    await expect(item).toContainText('Waiting for fulfilment');
    await expectNoHorizontalScroll(page);

    // The admin, on a phone of their own, fulfils it with a voucher code.
    const desk = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const adminPage = await desk.newPage();
    await signIn(adminPage, 'admin@hub.demo');
    await adminPage.goto('/manage/redemptions');
    const queued = adminPage.getByTestId('queue-item').filter({ hasText: 'Rita Redeemer' }).filter({ hasText: name });
    await expect(queued).toBeVisible();
    await expectNoHorizontalScroll(adminPage);
    await queued.getByLabel('Note to the member (optional)').fill('Enjoy the tools!');
    await queued.getByLabel('Code for the member (optional)').fill('TOOLS-7731');
    await queued.getByRole('button', { name: 'Fulfil' }).click();
    await expect(adminPage.getByRole('status').filter({ hasText: `Fulfilled: ${name}` })).toBeVisible();

    // Live on the phone, without a reload: the status, the code (with a copy button) and the note.
    await expect(item).toContainText('Fulfilled');
    await expect(item.getByTestId('code')).toHaveValue('TOOLS-7731');
    await expect(item.getByRole('button', { name: 'Copy code' })).toBeVisible();
    await expect(item).toContainText('Enjoy the tools!');
    await desk.close();
    await phone.close();
  });

  test('the admin console works on a 375 px phone: catalog editor, a new reward, code upload', async ({ browser }) => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await phone.newPage();
    await signIn(page, 'admin@hub.demo');
    await page.goto('/manage/rewards');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const pool = page.getByRole('listitem').filter({ hasText: '€10 hardware store gift card' });
    await expect(pool).toBeVisible();
    await expectNoHorizontalScroll(page);

    await page.getByRole('link', { name: 'New reward' }).click();
    await expect(page.getByLabel('Name')).toBeVisible();
    await expectNoHorizontalScroll(page);

    // Code upload on the code pool's page: the codes left go up, and nothing scrolls sideways.
    await page.goto('/manage/rewards');
    await pool.getByRole('link', { name: /^Edit/ }).click();
    const left = page.getByTestId('codes-left');
    const before = Number(((await left.textContent()) ?? '').replace(/\D/g, ''));
    const codes = [1, 2, 3].map((n) => `PHONE-${randomUUID().slice(0, 8)}-${n}`);
    await page.getByLabel('Codes', { exact: true }).fill(codes.join('\n'));
    await expectNoHorizontalScroll(page);
    await page.getByRole('button', { name: 'Add codes' }).click();
    await expect(left).toHaveText(`${before + 3} codes left to hand out`);
    await expectNoHorizontalScroll(page);

    await page.goto('/manage/redemptions');
    await expect(page.getByLabel('Status')).toBeVisible();
    await expectNoHorizontalScroll(page);
    await phone.close();
  });

  test('the referral page shows a code and a link that fills the registration form', async ({ browser, request }) => {
    const member = await registerMember(request, 'Rafa Referrer');
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const page = await phone.newPage();
    await signIn(page, member.email, member.password);
    await page.goto('/rewards/referral');
    const code = (await page.getByTestId('referral-code').textContent())!.trim();
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{7}$/);
    const link = await page.getByLabel('Your invitation link').inputValue();
    expect(link).toMatch(new RegExp(`/register\\?ref=${code}$`));
    await expectNoHorizontalScroll(page);
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(link);
    await expect(visitor.getByLabel('Referral code (optional)')).toHaveValue(code);
    await phone.close();
  });
});
