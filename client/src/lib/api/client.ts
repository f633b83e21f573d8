import createClient from 'openapi-fetch';
import { t } from '$lib/i18n';
import type { components, paths } from './schema';
import { tokenStore } from './token';

export type Schemas = components['schemas'];

/**
 * The one typed client for the hub's API; types come from api/openapi.json. Pages and components
 * do not call it: they call the domain modules beside this file (`challenges.ts`, `engine.ts` …),
 * which return data or throw an `ApiError`.
 */
export const api = createClient<paths>({ baseUrl: '' });

let onUnauthorized: () => void = () => {};

/** Lets the session decide what a 401 on a signed-in request means (sign out). */
export function handleUnauthorized(callback: () => void): void {
  onUnauthorized = callback;
}

api.use({
  onRequest({ request }) {
    const token = tokenStore.get();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && request.headers.has('Authorization')) onUnauthorized();
    return response;
  },
});

/** Turns the API's `{statusCode, error, message}` into one readable sentence. */
export function errorMessage(error: unknown, fallback: string): string {
  if (error instanceof ApiError) return error.message;
  const message = (error as { message?: unknown } | undefined)?.message;
  if (Array.isArray(message)) return message.join('. ');
  return typeof message === 'string' && message ? message : fallback;
}

/** A call the API refused (its status and message) or that never reached it (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Unknown, hidden from me, or not even a valid id: the thing is not there for me. */
  get notFound(): boolean {
    return this.status === 404 || this.status === 400;
  }
}

type Result<T> = { data?: T; error?: unknown; response: Response };

async function settle<T>(call: Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await call;
  } catch {
    throw new ApiError(0, t('error.network'));
  }
}

/** The data of a call, or an `ApiError` with the API's message: what every domain module returns. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await settle(call);
  if (!response.ok || data === undefined) throw new ApiError(response.status, errorMessage(error, t('error.generic')));
  return data;
}

/** For calls answered without a body (204): resolves when the API agreed, else throws an `ApiError`. */
export async function done(call: Promise<Result<unknown>>): Promise<void> {
  const { error, response } = await settle(call);
  if (!response.ok) throw new ApiError(response.status, errorMessage(error, t('error.generic')));
}
