import createClient from 'openapi-fetch';
import type { components, paths } from './schema';
import { tokenStore } from './token';

export type Schemas = components['schemas'];

/** The one typed client for the hub's API; types come from api/openapi.json. */
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
  const message = (error as { message?: unknown } | undefined)?.message;
  if (Array.isArray(message)) return message.join('. ');
  return typeof message === 'string' && message ? message : fallback;
}
