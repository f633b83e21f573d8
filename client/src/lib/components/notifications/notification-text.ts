import type { NotificationParams, NotificationType } from '$events';
import { tIfComplete, type MessageKey } from '$lib/i18n';

/** Every kind the server sends has at least a title in the catalog: a kind without one fails the build. */
type TitleKey = `notification.${NotificationType}.title`;
true satisfies [TitleKey] extends [MessageKey] ? true : { wordingMissingFor: Exclude<TitleKey, MessageKey> };

/** What a notification (inbox item, `notification` push, `points.awarded` push) needs to be shown. */
export interface Renderable {
  type: string;
  params?: NotificationParams;
  /** The server's English fallback. */
  title: string;
  body: string;
}

/**
 * A notification's text in the member's language: the catalog's `notification.<type>.title` and
 * `.body` (`notification.<type>.<variant>.…` first when the params carry a `variant`), filled with
 * its params. A part the catalog lacks, or whose placeholders the params cannot fill (notifications
 * stored before they had params), is the server's English fallback.
 */
export function notificationText({ type, params = {}, title, body }: Renderable): { title: string; body: string } {
  const variant = typeof params.variant === 'string' ? params.variant : null;
  const part = (name: 'title' | 'body', fallback: string) =>
    (variant ? tIfComplete(`notification.${type}.${variant}.${name}`, params) : null) ??
    tIfComplete(`notification.${type}.${name}`, params) ??
    fallback;
  return { title: part('title', title), body: part('body', body) };
}

/** Good news is shown as success; a rejection or a lower tier as plain information. */
export function notificationTone({ type, params = {} }: Renderable): 'success' | 'info' {
  return type === 'submission.rejected' || params.variant === 'down' ? 'info' : 'success';
}
