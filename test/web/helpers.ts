import { APIRequestContext, expect, Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';

export const DEMO_PASSWORD = 'demo-pass-2026';

export async function apiLogin(request: APIRequestContext, email: string, password = DEMO_PASSWORD) {
  const response = await request.post('/api/auth/login', { data: { email, password } });
  expect(response.status()).toBe(200);
  const body = await response.json();
  return { token: body.accessToken as string, id: body.user.id as string };
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('balance')).toBeVisible();
}

export async function adjustPoints(request: APIRequestContext, userId: string, amount: number, reason: string) {
  const admin = await apiLogin(request, 'admin@hub.demo');
  const response = await request.post('/api/points/adjustments', {
    headers: { Authorization: `Bearer ${admin.token}` },
    data: { userId, amount, reason, idempotencyKey: `web-${randomUUID()}` },
  });
  expect(response.status()).toBe(201);
}

export const uniqueEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.test`;

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A new member of the demo organization (invite code NORTHWIND), registered through the API. */
export async function registerMember(request: APIRequestContext, displayName: string) {
  const email = uniqueEmail(displayName.split(' ')[0].toLowerCase());
  const password = 'a good long password';
  const response = await request.post('/api/auth/register', {
    data: { email, password, displayName, inviteCode: 'NORTHWIND' },
  });
  expect(response.status()).toBe(201);
  const body = await response.json();
  return { email, password, token: body.accessToken as string, id: body.user.id as string };
}

const sessions = new Map<string, Promise<{ token: string; id: string }>>();

/**
 * Signs in once per worker and email, then reuses the token: the hub allows only a few logins per
 * minute and address for one account, and staff accounts are used by many tests.
 */
export function cachedLogin(request: APIRequestContext, email: string, password = DEMO_PASSWORD) {
  if (!sessions.has(email)) sessions.set(email, apiLogin(request, email, password));
  return sessions.get(email)!;
}

/** A challenge created by the demo manager, open from an hour ago for a week unless told otherwise. */
export async function createChallenge(request: APIRequestContext, fields: Record<string, unknown>) {
  const manager = await cachedLogin(request, 'manager@hub.demo');
  const now = Date.now();
  const response = await request.post('/api/challenges', {
    headers: bearer(manager.token),
    data: {
      title: `Challenge ${randomUUID().slice(0, 8)}`,
      description: 'Show us what you did.',
      kind: 'evidence',
      points: 50,
      startsAt: new Date(now - 3_600_000).toISOString(),
      endsAt: new Date(now + 7 * 86_400_000).toISOString(),
      ...fields,
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as { id: string; title: string };
}

/** The page is no wider than the viewport (nothing to scroll sideways). */
export async function expectNoHorizontalScroll(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(clientWidth);
}

/** A balance as shown on the dashboard ("1,250") as a number. */
export const pointsOf = (text: string | null) => Number((text ?? '').replace(/[^\d-]/g, ''));

export type BoardScope = 'individual' | 'team' | 'organization';
export type BoardPeriod = 'week' | 'month' | 'all';

export interface Board {
  scope: BoardScope;
  period: BoardPeriod;
  organizationId: string | null;
  start: string | null;
  end: string | null;
  timezone: string;
  items: { rank: number; id: string; name: string; points: number; teamName?: string | null }[];
  me: { rank: number; points: number } | null;
}

/** A leaderboard as the API returns it to the holder of `token`. */
export async function readBoard(request: APIRequestContext, token: string, scope: BoardScope, period: BoardPeriod) {
  const response = await request.get('/api/leaderboards', { headers: bearer(token), params: { scope, period } });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as Board;
}

/** Sets a marker on the window; anything reloading the page drops it (see `expectSamePage`). */
export async function markPage(page: Page) {
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
}

export async function expectSamePage(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
}
