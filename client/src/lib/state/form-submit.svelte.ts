import { errorMessage } from '$lib/api/client';
import { t } from '$lib/i18n';

/**
 * A form's submit (or a button's action), the way every form sends one: the browser's own submit
 * stopped, one request at a time (`busy`, for the buttons), and what went wrong (`error`, for the
 * alert).
 *
 * ```svelte
 * const form = new FormSubmit();
 * const save = (event: SubmitEvent) =>
 *   form.submit(event, toBody(draft), t('manage.endBeforeStart'), (body) => createChallenge(body), onsaved);
 * ```
 */
export class FormSubmit {
  error = $state('');
  busy = $state(false);

  /**
   * Shows `invalid` when there is no `body` (the fields do not hold together); else sends it and
   * hands the answer to `done`, or shows the API's message (the generic one without) on a failure.
   */
  async submit<B, T>(
    event: SubmitEvent,
    body: B | null,
    invalid: string,
    send: (body: B) => Promise<T>,
    done: (answer: T) => void,
  ): Promise<void> {
    event.preventDefault();
    this.error = '';
    if (body === null) {
      this.error = invalid;
      return;
    }
    await this.run(() => send(body), done);
  }

  /** Sends, busy meanwhile, and hands the answer to `done`; a failure shows the API's message. */
  async run<T>(send: () => Promise<T>, done: (answer: T) => void): Promise<void> {
    this.error = '';
    this.busy = true;
    let answer: T;
    try {
      answer = await send();
    } catch (failure) {
      this.error = errorMessage(failure, t('error.generic'));
      return;
    } finally {
      this.busy = false;
    }
    done(answer);
  }
}
