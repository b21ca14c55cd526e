// Who is logged in. The refresh token lives in localStorage (so a teacher stays logged in on
// their phone), the access token in sessionStorage with its expiry. Refreshes are single-flight:
// the refresh token rotates, and two parallel refreshes would burn one.
import createClient from 'openapi-fetch';
import type { components, paths } from './api/schema';

/** Auth calls go without the bearer middleware (which itself asks this module for tokens). */
const bare = createClient<paths>({ baseUrl: '' });

type TokenResponse = components['schemas']['TokenResponse'];
type Me = components['schemas']['Me'];

const REFRESH_KEY = 'qualify.refresh';
const ACCESS_KEY = 'qualify.access';
const SKEW_MS = 30_000;

interface Access {
  token: string;
  expiresAt: number;
}

function readAccess(): Access | null {
  try {
    const raw = sessionStorage.getItem(ACCESS_KEY);
    return raw ? (JSON.parse(raw) as Access) : null;
  } catch {
    return null;
  }
}

class Auth {
  me = $state<Me | null>(null);
  /** Set when the session ended without the user asking (refresh refused). */
  lapsed = $state(false);
  private access: Access | null = readAccess();
  private refreshing: Promise<string | null> | null = null;

  get loggedIn(): boolean {
    return this.refreshToken() !== null || this.access !== null;
  }

  refreshToken(): string | null {
    try {
      return localStorage.getItem(REFRESH_KEY) ?? sessionStorage.getItem(REFRESH_KEY);
    } catch {
      return null;
    }
  }

  store(tokens: TokenResponse, remember = true) {
    this.access = { token: tokens.access_token, expiresAt: Date.now() + tokens.expires_in * 1000 };
    sessionStorage.setItem(ACCESS_KEY, JSON.stringify(this.access));
    localStorage.removeItem(REFRESH_KEY);
    sessionStorage.removeItem(REFRESH_KEY);
    (remember ? localStorage : sessionStorage).setItem(REFRESH_KEY, tokens.refresh_token);
    this.lapsed = false;
  }

  /** A valid access token, refreshed first if it is about to expire; null when logged out. */
  async accessToken(): Promise<string | null> {
    if (this.access && this.access.expiresAt - SKEW_MS > Date.now()) return this.access.token;
    if (!this.refreshToken()) return this.access?.token ?? null;
    return (await this.refresh()) ?? this.access?.token ?? null;
  }

  refresh(): Promise<string | null> {
    if (this.refreshing) return this.refreshing;
    const token = this.refreshToken();
    if (!token) return Promise.resolve(null);
    const remember = localStorage.getItem(REFRESH_KEY) !== null;
    this.refreshing = (async () => {
      try {
        const { data, response } = await bare.POST('/api/v1/auth/refresh', {
          body: { refresh_token: token },
          signal: AbortSignal.timeout(15_000),
        });
        if (data) {
          this.store(data, remember);
          return data.access_token;
        }
        if ([400, 401, 422].includes(response.status)) this.clear();
        return null;
      } catch {
        // Offline: keep the refresh token for later.
        return null;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** The server refused our tokens for good. */
  expired() {
    if (!this.refreshToken()) {
      this.clear();
      this.lapsed = true;
    }
  }

  clear() {
    this.access = null;
    this.me = null;
    sessionStorage.removeItem(ACCESS_KEY);
    localStorage.removeItem(REFRESH_KEY);
    sessionStorage.removeItem(REFRESH_KEY);
    navigator.serviceWorker?.controller?.postMessage('logout');
  }

  async logout() {
    const token = this.refreshToken();
    if (token) {
      await bare.POST('/api/v1/auth/logout', { body: { refresh_token: token } }).catch(() => undefined);
    }
    this.clear();
  }
}

export const auth = new Auth();
