/** Locales the client has message catalogs for; the API accepts only these. */
export const SUPPORTED_LOCALES = ['en'] as const;
