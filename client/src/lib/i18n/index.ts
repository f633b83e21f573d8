import { en, type MessageKey, type Messages } from './en';

export type { MessageKey, Messages };

const catalogs: Record<string, Messages> = { en };
export const SUPPORTED_LOCALES = Object.keys(catalogs);

let current: Messages = en;
let currentLocale = 'en';
let regionalLocale = 'en';

/**
 * Picks the best catalog for a user's saved locale or the browser's languages, and the tag that
 * dates and numbers are formatted with: the catalog's language in the browser's region when it
 * names one (`en-GB` reads "Mon 30 Nov", `en-US` "Mon, Nov 30").
 */
export function setLocale(preferred: readonly string[]): void {
  const language = (tag: string) => tag.toLowerCase().split('-')[0];
  currentLocale = preferred.map(language).find((tag) => tag in catalogs) ?? 'en';
  current = catalogs[currentLocale];
  regionalLocale =
    preferred.find((tag) => language(tag) === currentLocale && tag.includes('-') && isValid(tag)) ?? currentLocale;
  if (typeof document !== 'undefined') document.documentElement.lang = regionalLocale;
}

function isValid(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length > 0;
  } catch {
    return false;
  }
}

/** The catalog's language (`en`). */
export function locale(): string {
  return currentLocale;
}

/** The tag to format dates and numbers with (`en-GB`): the catalog's language, the member's region. */
export function formatLocale(): string {
  return regionalLocale;
}

type Params = Record<string, string | number>;

function fill(message: string, params: Params, missing: (name: string) => string): string {
  return message.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) return missing(name);
    return typeof value === 'number' ? value.toLocaleString(regionalLocale) : value;
  });
}

/** Translates a key, filling `{placeholders}`; numbers are formatted for the locale. */
export function t(key: MessageKey, params: Params = {}): string {
  return fill(current[key], params, (name) => `{${name}}`);
}

/**
 * Like `t` for a key built at run time, but null when the catalog lacks the key or `params` lack a
 * placeholder's value (a notification stored before it had params): the caller falls back then.
 */
export function tIfComplete(key: string, params: Params): string | null {
  if (!hasMessage(key)) return null;
  let complete = true;
  const text = fill(current[key], params, () => {
    complete = false;
    return '';
  });
  return complete ? text : null;
}

/** Whether the catalog has a message for a key built at run time (e.g. from an API value). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(current, key);
}
