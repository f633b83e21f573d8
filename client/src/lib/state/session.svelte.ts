import { goto } from '$app/navigation';
import type { SessionResult } from '$lib/api/auth';
import { errorMessage, handleUnauthorized } from '$lib/api/client';
import { getMe, type Me, type Wallet } from '$lib/api/me';
import { tokenStore } from '$lib/api/token';
import { setLocale, t } from '$lib/i18n';

/** Where a signed-out visitor was headed (a scanned check-in QR, a shared link), opened after sign-in. */
const RETURN_KEY = 'hub.returnTo';

/** Who is signed in, with their points; shared by every page. */
class Session {
  me = $state<Me | null>(null);
  token = $state<string | null>(tokenStore.get());

  get signedIn(): boolean {
    return this.token !== null;
  }

  /**
   * Finishes a sign-in or registration: on success starts the session and opens the dashboard;
   * otherwise returns the sentence to show.
   */
  async enter(call: Promise<SessionResult>): Promise<string | null> {
    let accessToken: string;
    try {
      ({ accessToken } = await call);
    } catch (error) {
      return errorMessage(error, t('error.generic'));
    }
    await this.start(accessToken);
    const next = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    // Only a path of this app: never another origin ("//evil.example").
    await goto(next && next.startsWith('/') && !next.startsWith('//') ? next : '/');
    return null;
  }

  async start(accessToken: string): Promise<void> {
    tokenStore.set(accessToken);
    this.token = accessToken;
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const me = await getMe().catch(() => null); // a 401 signs out; anything else keeps what is shown
    if (me) {
      this.me = me;
      setLocale([me.locale, ...navigator.languages]);
    }
  }

  /** Applies a balance pushed over the socket without another request. */
  applyWallet(wallet: Partial<Wallet>): void {
    if (this.me) this.me.points = { ...this.me.points, ...wallet };
  }

  /** Remembers a page a signed-out visitor asked for, to open it once they have signed in. */
  rememberReturn(path: string): void {
    if (path !== '/') sessionStorage.setItem(RETURN_KEY, path);
  }

  async signOut(): Promise<void> {
    tokenStore.clear();
    this.token = null;
    this.me = null;
    await goto('/login');
  }
}

export const session = new Session();
handleUnauthorized(() => void session.signOut());
