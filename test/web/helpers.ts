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
