import { goto } from '$app/navigation';
import { api, errorMessage, handleUnauthorized, type Schemas } from '$lib/api/client';
import { tokenStore } from '$lib/api/token';
import { setLocale, t } from '$lib/i18n';

type Me = Schemas['MeDto'];
type Wallet = Me['points'];

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
  async enter(result: { data?: { accessToken: string }; error?: unknown }): Promise<string | null> {
    if (!result.data) return errorMessage(result.error, t('error.generic'));
    await this.start(result.data.accessToken);
    await goto('/');
    return null;
  }

  async start(accessToken: string): Promise<void> {
    tokenStore.set(accessToken);
    this.token = accessToken;
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const { data } = await api.GET('/api/me');
    if (data) {
      this.me = data;
      setLocale([data.locale, ...navigator.languages]);
    }
  }

  /** Applies a balance pushed over the socket without another request. */
  applyWallet(wallet: Partial<Wallet>): void {
    if (this.me) this.me.points = { ...this.me.points, ...wallet };
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
