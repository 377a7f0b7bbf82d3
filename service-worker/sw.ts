/**
 * The service worker: the app shell, JS, CSS, icons and ONNX Runtime's /ort/ files are precached
 * by Workbox with a revision per file, so a new build installs next to the old one and an install
 * that fails part-way leaves the old version serving. Old entries are deleted on activation. A new
 * version waits until the page says so (`SKIP_WAITING`), which it does only when no answer is being
 * generated. Model files are not touched here: the model worker's verified store keeps them.
 */
/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import { isolationPlugin } from './isolation.ts';
import { MODEL_INDEX_CACHE, MODEL_INDEX_PATH, SKIP_WAITING_MESSAGE } from './messages.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

addPlugins([isolationPlugin]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Client-side routes open the app shell; model, runtime and asset paths, and other pages such
// as /embed.html and /bench.html (any path naming a file), never get the app's index.html.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/models\//, /^\/ort\//, /^\/assets\//, /^\/icons\//, /\/[^/]+\.[^/]+$/] }));

// The list of models this site serves: fresh when online, the last copy when offline.
const modelIndex = new NetworkFirst({ cacheName: MODEL_INDEX_CACHE, networkTimeoutSeconds: 5, plugins: [isolationPlugin] });
registerRoute(({ url, request }) => url.origin === self.location.origin && url.pathname === MODEL_INDEX_PATH && request.method === 'GET', modelIndex);

self.addEventListener('install', (event) => {
  // Best effort: the page that registered us may have fetched the index before we controlled it.
  event.waitUntil(
    caches
      .open(MODEL_INDEX_CACHE)
      .then((cache) => cache.add(MODEL_INDEX_PATH))
      .catch(() => undefined),
  );
});

self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === SKIP_WAITING_MESSAGE) void self.skipWaiting();
});

// The first install takes the open page at once (nothing older to conflict with); later versions
// only take over after SKIP_WAITING, followed by a reload.
clientsClaim();
