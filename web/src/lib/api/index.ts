// The one way pages talk to the server: openapi-fetch over the types generated from
// api-spec/openapi.json (`npm run gen`), with the bearer token, a silent refresh on 401 and a
// timeout, so a weak network fails fast instead of hanging a page.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';
import { auth } from '../auth.svelte';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];

const TIMEOUT_MS = 20_000;
const retries = new WeakMap<Request, Request>();

const middleware: Middleware = {
  async onRequest({ request }) {
    const isAuthCall = new URL(request.url).pathname.startsWith('/api/v1/auth/');
    const token = isAuthCall ? null : await auth.accessToken();
    const headers = new Headers(request.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    headers.set('Accept-Language', 'zh-CN');
    const signal = AbortSignal.any([request.signal, AbortSignal.timeout(TIMEOUT_MS)]);
    const next = new Request(request, { headers, signal });
    if (!isAuthCall) retries.set(next, next.clone());
    return next;
  },
  async onResponse({ request, response }) {
    const again = retries.get(request);
    if (response.status !== 401 || !again) return response;
    const token = await auth.refresh();
    if (!token) {
      auth.expired();
      return response;
    }
    const headers = new Headers(again.headers);
    headers.set('Authorization', `Bearer ${token}`);
    return fetch(new Request(again, { headers }));
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(middleware);

/** A sentence for the user from whatever a call failed with. */
export function problemText(error: unknown, fallback: string): string {
  if (error && typeof error === 'object' && 'detail' in error && typeof error.detail === 'string') {
    return error.detail;
  }
  return fallback;
}

/** Every field a 422 named (`{field, row?, code, message}`), or null when the problem named none. */
export function problemFields(error: unknown): Schemas['ProblemField'][] | null {
  if (error && typeof error === 'object' && 'errors' in error && Array.isArray(error.errors) && error.errors.length) {
    return error.errors as Schemas['ProblemField'][];
  }
  return null;
}

/** Whether a thrown error is the network's (offline, timeout) rather than the server's answer. */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError'));
}
