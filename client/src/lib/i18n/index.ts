import { en, type MessageKey, type Messages } from './en';

export type { MessageKey, Messages };

const catalogs: Record<string, Messages> = { en };
export const SUPPORTED_LOCALES = Object.keys(catalogs);

let current: Messages = en;
let currentLocale = 'en';

/** Picks the best catalog for a user's saved locale or the browser's languages. */
export function setLocale(preferred: readonly string[]): void {
  const match = preferred.map((tag) => tag.toLowerCase().split('-')[0]).find((tag) => tag in catalogs);
  currentLocale = match ?? 'en';
  current = catalogs[currentLocale];
  if (typeof document !== 'undefined') document.documentElement.lang = currentLocale;
}

export function locale(): string {
  return currentLocale;
}

/** Translates a key, filling `{placeholders}`; numbers are formatted for the locale. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return current[key].replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) return `{${name}}`;
    return typeof value === 'number' ? value.toLocaleString(currentLocale) : value;
  });
}

/** Whether the catalog has a message for a key built at run time (e.g. from an API value). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(current, key);
}
