// A small client-side router: a table of patterns (`/courses/:id`) to lazily loaded page
// components, the History API, and same-origin link clicks taken over. Each role's pages are
// separate chunks, so a teacher's phone never downloads staff code.
import type { Component } from 'svelte';

export type Params = Record<string, string>;
export type PageProps = { params: Params; query: URLSearchParams };
/** A page that serves several routes, told by the route which one (e.g. an occasion's kind). */
export type PagePropsOf<P> = PageProps & P;
// Pages take PageProps or nothing at all.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loader = () => Promise<{ default: Component<any> }>;

export interface RouteDef {
  path: string;
  load: Loader;
  /** Reachable without logging in. */
  public?: boolean;
  /** Roles allowed; teacher pages when unset. */
  roles?: string[];
  /** Passed to the page as props, for a page that serves several routes. */
  props?: Record<string, string>;
}

interface Compiled extends RouteDef {
  regex: RegExp;
  keys: string[];
}

export interface Match {
  route: RouteDef;
  params: Params;
}

export function compile(routes: RouteDef[]): Compiled[] {
  return routes.map((r) => {
    const keys: string[] = [];
    const source = r.path
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          keys.push(seg.slice(1));
          return '([^/]+)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    return { ...r, keys, regex: new RegExp(`^${source}/?$`) };
  });
}

export function match(table: Compiled[], pathname: string): Match | null {
  for (const r of table) {
    const m = r.regex.exec(pathname);
    if (m) {
      const params: Params = {};
      r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1] ?? '')));
      return { route: r, params };
    }
  }
  return null;
}

/** Paths the server answers itself (API, docs, the verification pages, media). */
const SERVER_PATHS = /^\/(api|api-docs|docs|verify|media|\.well-known)(\/|$)/;

class Location {
  path = $state(window.location.pathname);
  search = $state(window.location.search);

  constructor() {
    window.addEventListener('popstate', () => this.sync());
    document.addEventListener('click', (e) => this.onClick(e));
  }

  private sync() {
    this.path = window.location.pathname;
    this.search = window.location.search;
  }

  navigate(to: string, opts: { replace?: boolean } = {}) {
    const url = new URL(to, window.location.origin);
    if (url.pathname + url.search === this.path + this.search) return;
    const state = { inApp: true };
    if (opts.replace) history.replaceState(state, '', url.pathname + url.search + url.hash);
    else history.pushState(state, '', url.pathname + url.search + url.hash);
    this.sync();
    window.scrollTo(0, 0);
  }

  private onClick(e: MouseEvent) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
    const url = new URL(a.href, window.location.href);
    if (url.origin !== window.location.origin || SERVER_PATHS.test(url.pathname)) return;
    e.preventDefault();
    this.navigate(url.pathname + url.search + url.hash);
  }
}

export const location = new Location();

export function navigate(to: string, opts?: { replace?: boolean }) {
  location.navigate(to, opts);
}
