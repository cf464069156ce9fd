// The capture page's service worker: the page opens from the cache, the API's lists fall back to it.
// Page files: cache first, from a cache of this version's files only. The server writes the
// version (a hash of every page file) into this file, so a new version of any file is a new
// service worker: it fills a cache of its own completely before it takes over, and the old
// one is dropped then; a page never mixes files of two versions.
// The API's catalog, areas and walks: network first (with a time limit), the cache when offline.
// Posts are never touched: the page's queue in IndexedDB sends them, and keeps them until sent.
'use strict';

const VERSION = '__VERSION__';
const PAGES = `safewalk-capture-pages-${VERSION}`;
const API_CACHE = 'safewalk-capture-api';
const KEPT = new Set([PAGES, API_CACHE]);
const PAGE_FILES = [
  './', 'capture.js', 'capture.css', 'leaflet.js', 'leaflet.css', 'manifest.webmanifest',
  'icons/icon-192.png',
];
const API_LISTS = ['/api/v1/catalog', '/api/v1/areas', '/api/v1/walks'];
const NETWORK_WAIT_MS = 6000;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const pages = await caches.open(PAGES);
    await pages.addAll(PAGE_FILES);
    const api = await caches.open(API_CACHE);
    await Promise.all(API_LISTS.map(async (path) => {
      // The page keeps what it fetched on its first visit; fetch only what is missing.
      if (await api.match(path, { ignoreVary: true })) return;
      try {
        const response = await fetch(path);
        if (response.ok) await api.put(path, response);
      } catch {
        // offline while installing: the page's own copies, or the next visit, fill it
      }
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('safewalk-capture-') && !KEPT.has(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (API_LISTS.includes(url.pathname)) {
    event.respondWith(networkFirst(event));
  } else if (url.pathname.startsWith(new URL(self.registration.scope).pathname)) {
    event.respondWith(cacheFirst(event, url));
  }
});

async function networkFirst(event) {
  const cache = await caches.open(API_CACHE);
  const network = fetch(event.request).then(async (response) => {
    if (response.ok) await cache.put(event.request, response.clone());
    return response;
  });
  event.waitUntil(network.catch(() => {}));
  const late = new Promise((resolve) => { setTimeout(resolve, NETWORK_WAIT_MS, null); });
  try {
    const response = await Promise.race([network, late]);
    if (response) return response;
  } catch {
    // offline: the cache answers
  }
  const cached = await cache.match(event.request, { ignoreVary: true });
  return cached || network;
}

async function cacheFirst(event, url) {
  const cache = await caches.open(PAGES);
  const scope = new URL(self.registration.scope);
  // The page itself is one entry whatever its query (?area=…&walk=… from a walk's QR code).
  const key = event.request.mode === 'navigate' || url.pathname === `${scope.pathname}index.html`
    ? scope.href : url.href;
  const cached = await cache.match(key, { ignoreSearch: true, ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(key === scope.href ? key : event.request);
  if (response.ok && !response.redirected) await cache.put(key, response.clone());
  return response;
}
