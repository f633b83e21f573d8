import { ApiError, errorMessage } from '$lib/api/client';
import { t } from '$lib/i18n';

/** One page of a list as the API answers it; lists that do not page simply omit `nextCursor`. */
export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

/** What `ResourceView` needs to show loading, an error with a retry, empty, and "show more". */
export interface Loadable {
  readonly loaded: boolean;
  readonly empty: boolean;
  readonly error: string;
  retry(): Promise<void>;
  readonly hasMore?: boolean;
  readonly loadingMore?: boolean;
  more?(): Promise<void>;
}

/**
 * Answers to older requests are dropped: a list reloaded (live update, new filter) while a
 * request is out shows only the newest answer.
 */
abstract class Loader {
  error = $state('');
  /** The HTTP status of the last failure (0: the hub was not reached); 0 when there is none. */
  errorStatus = $state(0);
  loading = $state(false);
  private ticket = 0;

  /** Unknown, hidden from me, or not a valid id. */
  get notFound(): boolean {
    return this.errorStatus === 404 || this.errorStatus === 400;
  }

  /** Forgets any answer still on its way (the page is closing). */
  cancel(): void {
    this.ticket++;
    this.loading = false;
  }

  protected async run<R>(request: () => Promise<R>, apply: (result: R) => void): Promise<void> {
    const ticket = ++this.ticket;
    this.loading = true;
    try {
      const result = await request();
      if (ticket !== this.ticket) return;
      apply(result);
      this.error = '';
      this.errorStatus = 0;
    } catch (failure) {
      if (ticket !== this.ticket) return;
      this.error = errorMessage(failure, t('error.generic'));
      this.errorStatus = failure instanceof ApiError ? failure.status : 0;
    } finally {
      if (ticket === this.ticket) this.loading = false;
    }
  }
}

/**
 * A list on screen, the way every list page shows one: the first page, an error with a retry,
 * empty, and "show more" for lists the API pages (`{items, nextCursor}`). What is shown stays
 * while a reload is out, so live refreshes do not flicker.
 *
 * ```svelte
 * const challenges = new ListResource(() => listChallenges());
 * $effect(() => { void live.revision; void challenges.load(); });   // load, and reload on changes
 * <ResourceView resource={challenges} empty={t('challenges.empty')}>…challenges.items…</ResourceView>
 * ```
 */
export class ListResource<T> extends Loader implements Loadable {
  items = $state<T[]>([]);
  nextCursor = $state<string | null>(null);
  loaded = $state(false);
  loadingMore = $state(false);
  private failedCursor: string | undefined;

  /** `fetchPage(cursor)` fetches the page after `cursor`, or the first one without. */
  constructor(private readonly fetchPage: (cursor?: string) => Promise<Page<T>>) {
    super();
  }

  get empty(): boolean {
    return this.loaded && this.items.length === 0;
  }

  get hasMore(): boolean {
    return this.nextCursor !== null;
  }

  /** (Re)loads the first page. */
  load(): Promise<void> {
    return this.fetch();
  }

  /** Appends the next page. */
  async more(): Promise<void> {
    if (this.nextCursor === null || this.loadingMore) return;
    this.loadingMore = true;
    await this.fetch(this.nextCursor);
    this.loadingMore = false;
  }

  /** Asks again for what failed: the first page, or the next one. */
  retry(): Promise<void> {
    return this.failedCursor ? this.more() : this.load();
  }

  private fetch(cursor?: string): Promise<void> {
    this.failedCursor = cursor;
    return this.run(
      () => this.fetchPage(cursor),
      (page) => {
        this.items = cursor ? [...this.items, ...page.items] : page.items;
        this.nextCursor = page.nextCursor ?? null;
        this.loaded = true;
        this.failedCursor = undefined;
      },
    );
  }
}

/** One thing on screen (a challenge, a board): loading, an error with a retry (and `notFound`). */
export class Resource<T> extends Loader implements Loadable {
  value = $state<T | null>(null);
  readonly empty = false;

  constructor(private readonly fetchValue: () => Promise<T>) {
    super();
  }

  get loaded(): boolean {
    return this.value !== null;
  }

  load(): Promise<void> {
    return this.run(this.fetchValue, (value) => (this.value = value));
  }

  retry(): Promise<void> {
    return this.load();
  }
}
