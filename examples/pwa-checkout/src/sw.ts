/**
 * The service worker: the app works with no network.
 *
 * - The app shell (HTML, scripts, styles, manifest, icons) is precached at
 *   install and served cache-first; navigations get the cached `index.html`.
 * - The product list is network-first: fresh when online, the last copy when not.
 * - Everything else, notably `POST /intents`, goes to the network untouched:
 *   offline sales wait in the IndexedDB queue, never in an HTTP cache.
 *
 * The build (vite.config.ts) writes the precache list and version in place of
 * the placeholders below.
 */

// The webworker lib clashes with the DOM lib in one tsconfig; these are the few types used.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): void;
}
interface WorkerScope {
  readonly location: Location;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}

const scope = self as unknown as WorkerScope;
const PRECACHE = '__PRECACHE__' as unknown as string[];
const VERSION: string = '__VERSION__';
const SHELL = `tallystick-shell-${VERSION}`;
const DATA = 'tallystick-data-v1';
const DATA_PATHS = new Set(['/products']);

scope.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      await (await caches.open(SHELL)).addAll(PRECACHE);
      // The product list too, so the first offline start has something to sell.
      await (await caches.open(DATA)).addAll([...DATA_PATHS]);
      await scope.skipWaiting();
    })(),
  );
});

scope.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name !== SHELL && name !== DATA) await caches.delete(name);
      }
      // Control the page that registered us now, not after its next load.
      await scope.clients.claim();
    })(),
  );
});

scope.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== scope.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(shell('/index.html', request));
  } else if (DATA_PATHS.has(url.pathname)) {
    event.respondWith(networkFirst(request));
  } else if (PRECACHE.includes(url.pathname)) {
    event.respondWith(shell(url.pathname, request));
  }
});

async function shell(path: string, request: Request): Promise<Response> {
  const cached = await (await caches.open(SHELL)).match(path);
  return cached ?? fetch(request);
}

async function networkFirst(request: Request): Promise<Response> {
  const cache = await caches.open(DATA);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request);
    if (cached) return cached;
    throw error;
  }
}
