// Service worker (VERSION and SHELL are prepended at build time by build/service-worker.ts).
// - the shell (index.html, entry chunk, icons) is precached, so the app opens offline;
// - navigations are network-first, falling back to the cached shell (deep links work offline);
// - hashed /assets/ and the icons are cache-first (they never change under one name; /media/
//   videos are left to the browser, which asks for byte ranges);
// - GET /api/v1/ answers are network-first with the last answer as fallback, so pages already
//   seen still show something on a dead network. Logging out clears that cache.
/* eslint-disable no-restricted-globals */
const SHELL_CACHE = `shell-${VERSION}`;
const ASSET_CACHE = 'assets-v1';
const API_CACHE = 'api-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith('shell-') && k !== SHELL_CACHE).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'logout') event.waitUntil(caches.delete(API_CACHE));
});

async function networkFirst(request, cacheName, fallbackUrl) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(fallbackUrl ?? request, response.clone());
    return response;
  } catch (err) {
    const cached = (await cache.match(fallbackUrl ?? request)) ?? (await caches.match(fallbackUrl ?? request));
    if (cached) return cached;
    throw err;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.status === 200) {
    const cache = await caches.open(ASSET_CACHE);
    cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (request.mode === 'navigate') {
    // Server-rendered pages stay the server's.
    if (/^\/(verify|docs|api-docs|api)\//.test(path)) return;
    event.respondWith(networkFirst(request, SHELL_CACHE, '/'));
  } else if (path.startsWith('/assets/') || path.startsWith('/icons/')) {
    event.respondWith(cacheFirst(request));
  } else if (path.startsWith('/api/v1/') && !path.startsWith('/api/v1/auth/')) {
    event.respondWith(networkFirst(request, API_CACHE));
  }
});
