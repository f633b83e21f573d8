import { APIRequestContext, expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import {
  bearer,
  cachedLogin,
  expectNoHorizontalScroll,
  expectSamePage,
  markPage,
  pointsOf,
  registerMember,
  signIn,
} from './helpers';

const PHONE = { width: 375, height: 740 };

/**
 * An event made through the API, starting `inMinutes` from now: by the demo manager (for everyone),
 * or by the staff member whose token is `asToken` (a manager of one organization: for theirs).
 */
async function createEvent(
  request: APIRequestContext,
  fields: Record<string, unknown>,
  inMinutes = 48 * 60,
  asToken?: string,
) {
  const token = asToken ?? (await cachedLogin(request, 'manager@hub.demo')).token;
  const start = Date.now() + inMinutes * 60_000;
  const response = await request.post('/api/events', {
    headers: bearer(token),
    data: {
      title: `Install clinic ${randomUUID().slice(0, 8)}`,
      description: 'Bring your questions.',
      kind: 'club',
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 2 * 3_600_000).toISOString(),
      timezone: 'Europe/Stockholm',
      points: 60,
      ...fields,
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as { id: string; title: string; checkInCode: string };
}

test('a waitlisted member on a phone sees the promotion live when another member leaves', async ({
  browser,
  request,
}) => {
  const event = await createEvent(request, { capacity: 1 });
  const first = await registerMember(request, 'Frida First');
  const waiting = await registerMember(request, 'Wilma Waiting');
  expect((await request.post(`/api/events/${event.id}/rsvp`, { headers: bearer(first.token) })).status()).toBe(200);

  const phone = await browser.newContext({ viewport: PHONE });
  const page = await phone.newPage();
  await signIn(page, waiting.email, waiting.password);
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events', exact: true }).click();
  await page.getByRole('link', { name: event.title }).click();
  await expect(page.getByTestId('seats')).toContainText('Full · waitlist open');
  await page.getByRole('button', { name: 'Join the waitlist' }).click();
  await expect(page.getByTestId('waitlisted')).toContainText('You are number 1 on the waitlist');
  await expectNoHorizontalScroll(page);
  await markPage(page);

  // The member who holds the seat leaves, in another browser.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, first.email, first.password);
  await otherPage.goto(`/events/${event.id}`);
  await otherPage.getByRole('button', { name: 'Leave', exact: true }).click();
  await expect(otherPage.getByText('You left this event.')).toBeVisible();
  await other.close();

  // Live, without a reload: the toast, and the page now says going.
  await expect(page.getByTestId('toast').getByRole('link', { name: `You have a seat: ${event.title}` })).toBeVisible();
  await expect(page.getByTestId('going')).toHaveText('You are going. See you there!');
  await expect(page.getByRole('button', { name: 'Leave', exact: true })).toBeVisible();
  await expectSamePage(page);
  await expectNoHorizontalScroll(page);
  await phone.close();
});

test('a manager shows the check-in QR; a member opens its link, is checked in and sees the points arrive', async ({
  browser,
  request,
}) => {
  const event = await createEvent(request, { capacity: 20, points: 60 }, 10); // check-in is open
  const member = await registerMember(request, 'Quentin Scan');
  expect((await request.post(`/api/events/${event.id}/rsvp`, { headers: bearer(member.token) })).status()).toBe(200);

  const managerContext = await browser.newContext();
  const managerPage = await managerContext.newPage();
  await signIn(managerPage, 'manager@hub.demo');
  await managerPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Manage events' }).click();
  await managerPage.getByRole('link', { name: `Check-in QR of ${event.title}` }).click();
  const qr = managerPage.getByTestId('qr');
  await expect(qr).toBeVisible();
  await expect(qr).toHaveAttribute('alt', `QR code that opens the check-in page of ${event.title}`);
  const link = new URL((await qr.getAttribute('data-url'))!);
  expect(link.pathname).toBe(`/events/${event.id}/check-in`);
  expect(link.searchParams.get('code')).toBe(event.checkInCode);
  await expect(managerPage.getByTestId('check-in-code')).toHaveText(
    `${event.checkInCode.slice(0, 3)} ${event.checkInCode.slice(3)}`,
  );

  // The member's phone opens the scanned link (signed out first: it comes back after sign-in).
  const phone = await browser.newContext({ viewport: PHONE });
  const page = await phone.newPage();
  await page.goto(link.pathname + link.search);
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('Email').fill(member.email);
  await page.getByLabel('Password').fill(member.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/events/${event.id}/check-in\\?code=`));
  await expect(page.getByTestId('checked-in')).toContainText(`You are checked in at ${event.title}.`);
  await expect(page.getByTestId('checked-in')).toContainText('+60 points are on their way.');
  await expect(
    page.getByTestId('toast').getByRole('link', { name: `+60 points: Attended “${event.title}”` }),
  ).toBeVisible();
  await expectNoHorizontalScroll(page);
  await page.goto('/');
  await expect.poll(async () => pointsOf(await page.getByTestId('balance').textContent())).toBe(60);

  // The manager's attendee list shows it.
  await managerPage.getByRole('link', { name: 'Close' }).click();
  const row = managerPage.getByTestId('attendee').filter({ hasText: 'Quentin Scan' });
  await expect(row).toHaveAttribute('data-attended', 'true');
  await managerContext.close();
  await phone.close();
});

test('times show in the event’s zone and the viewer’s; events, check-in and console pages fit a phone', async ({
  browser,
  request,
}) => {
  // 18:00 in New York on a December Thursday is midnight in Stockholm, the next day.
  const webinar = await createEvent(request, {
    kind: 'webinar',
    timezone: 'America/New_York',
    startsAt: '2031-12-04T23:00:00.000Z',
    endsAt: '2031-12-05T00:00:00.000Z',
    capacity: null,
    joinUrl: 'https://meet.example.com/late-night',
  });
  const member = await registerMember(request, 'Sven Stockholm');
  await request.patch('/api/me', { headers: bearer(member.token), data: { timezone: 'Europe/Stockholm' } });
  const phone = await browser.newContext({ viewport: PHONE, locale: 'en-GB' });
  const page = await phone.newPage();
  await signIn(page, member.email, member.password);
  await page.goto(`/events/${webinar.id}`);
  await expect(page.getByTestId('event-times')).toContainText('Thu 4 Dec, 18:00 – 19:00 New York time');
  await expect(page.getByTestId('viewer-times')).toHaveText('· Fri 00:00 – 01:00 your time');
  await expect(page.getByTestId('join-link')).toHaveCount(0);
  await page.getByRole('button', { name: 'Save my seat' }).click();
  await expect(page.getByTestId('going')).toBeVisible();
  await expect(page.getByTestId('join-link')).toHaveAttribute('href', 'https://meet.example.com/late-night');

  for (const [path, heading] of [
    ['/events', 'Events'],
    [`/events/${webinar.id}`, webinar.title],
    [`/events/${webinar.id}/check-in`, 'Check in'],
    ['/profile', 'Profile'],
  ]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(page.getByText('Loading…')).toHaveCount(0);
    await expectNoHorizontalScroll(page);
  }
  await page.goto('/events');
  await page.getByRole('tab', { name: 'My events' }).click();
  await expect(page.getByTestId('event')).toHaveCount(1);
  await page.getByRole('tab', { name: 'Past' }).click();
  await expect(page.getByTestId('event').filter({ hasText: 'Spring club evening' })).toBeVisible(); // demo data
  await page.getByRole('tab', { name: 'Upcoming' }).click();
  await page.getByLabel('Kind').selectOption('webinar');
  await expect(page.getByTestId('event').filter({ hasText: webinar.title })).toBeVisible();
  await phone.close();

  const managerContext = await browser.newContext({ viewport: PHONE });
  const managerPage = await managerContext.newPage();
  await signIn(managerPage, 'manager@hub.demo');
  for (const path of [
    '/manage/events',
    '/manage/events/new',
    `/manage/events/${webinar.id}`,
    `/manage/events/${webinar.id}/attendees`,
    `/manage/events/${webinar.id}/qr`,
  ]) {
    await managerPage.goto(path);
    await expect(managerPage.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(managerPage.getByText('Loading…')).toHaveCount(0);
    await expectNoHorizontalScroll(managerPage);
  }
  await managerContext.close();
});

test('a manager schedules an event in its own zone, and a member adds the calendar feed in the profile', async ({
  page,
  request,
}) => {
  const title = `Chicago workshop ${randomUUID().slice(0, 8)}`;
  await signIn(page, 'manager@hub.demo');
  await page.goto('/manage/events/new');
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Description').fill('Commissioning, step by step.');
  await page.getByLabel('Kind', { exact: true }).selectOption('workshop');
  await page.getByLabel('Time zone of the event').selectOption('America/Chicago');
  await page.getByLabel('Starts').fill('2031-07-01T09:30');
  await page.getByLabel('Ends').fill('2031-07-01T12:00');
  await page.getByLabel('Seats').fill('12');
  await page.getByLabel('Points for attending').fill('120');
  await page.getByLabel('Place').fill('Contoso training center');
  await page.getByRole('button', { name: 'Create event' }).click();
  await expect(page).toHaveURL(/\/manage\/events\/[0-9a-f]{24}\/attendees$/);
  const id = page.url().split('/').at(-2)!;
  const manager = await cachedLogin(request, 'manager@hub.demo');
  const saved = await (await request.get(`/api/events/${id}`, { headers: bearer(manager.token) })).json();
  expect(saved).toMatchObject({
    title,
    kind: 'workshop',
    timezone: 'America/Chicago',
    startsAt: '2031-07-01T14:30:00.000Z', // 09:30 CDT
    endsAt: '2031-07-01T17:00:00.000Z',
    capacity: 12,
    points: 120,
    location: 'Contoso training center',
  });

  // Editing shows the same wall times in the event's zone.
  await page.goto(`/manage/events/${id}`);
  await expect(page.getByLabel('Starts')).toHaveValue('2031-07-01T09:30');
  await expect(page.getByLabel('Time zone of the event')).toHaveValue('America/Chicago');

  const member = await registerMember(request, 'Cal Endar');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, member.email, member.password);
  await page.goto('/profile');
  const url = page.getByTestId('calendar-url');
  await expect(url).toHaveValue(/\/api\/calendar\/.+\.ics$/);
  const before = await url.inputValue();
  expect((await request.get(new URL(before).pathname)).status()).toBe(200);
  await page.getByRole('button', { name: 'Make a new address' }).click();
  await expect(page.getByText('A new address is ready; the old one no longer works.')).toBeVisible();
  await expect(url).not.toHaveValue(before);
  expect((await request.get(new URL(before).pathname)).status()).toBe(404);
});

test('a manager of one organization sees a shared event read-only and edits one aimed at their organization', async ({
  page,
  request,
}) => {
  const admin = await cachedLogin(request, 'admin@hub.demo');
  const local = await registerMember(request, 'Lotta Local');
  const promoted = await request.post(`/api/users/${local.id}/roles`, {
    headers: bearer(admin.token),
    data: { roles: ['member', 'manager'] },
  });
  expect(promoted.status()).toBe(200);
  const shared = await createEvent(request, {});
  const own = await createEvent(
    request,
    { title: `Depot breakfast ${randomUUID().slice(0, 8)}` },
    72 * 60,
    local.token,
  );

  await page.setViewportSize(PHONE);
  await signIn(page, local.email, local.password);
  await page.goto(`/manage/events/${shared.id}`);
  await expect(page.getByText('only a program admin can change or cancel it')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Cancel the event and tell everyone' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Attendees' })).toBeVisible();

  await page.goto(`/manage/events/${own.id}`);
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeVisible();
  await expect(page.getByText('only a program admin can change or cancel it')).toHaveCount(0);
});
