import type { HandleClientError } from '@sveltejs/kit';
import { t } from '$lib/i18n';

/** The one client error handler: log for developers, a plain sentence for people. */
export const handleError: HandleClientError = ({ error, message }) => {
  console.error(error);
  return { message: message || t('error.generic') };
};
