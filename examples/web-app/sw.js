// The app shell's service worker. The build (vite.config.ts) fills in SHELL, the list of built files, and VERSION, a
// hash of their contents: each build caches its own shell under its own name, and the previous one is removed once the
// new one is active. The data is not here: it is in IndexedDB, written by the app.
const SHELL = __SHELL__;
const CACHE = `web-app-shell-${__VERSION__}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith('web-app-shell-') && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

// Cache first: the shell's files are named by their content hash, so a cached one is never stale; a new build comes
// with a new sw.js, which the browser checks for on every navigation. Other requests (a sync server's, say) are left
// to the network untouched.
const shellUrls = new Set(SHELL.map((path) => new URL(path, self.location.href).href));

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate' && new URL(request.url).origin === self.location.origin) {
    // Any page of the app (with a query string too, such as ?sync=) is the one index.html.
    event.respondWith(caches.match('./index.html', { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
  } else if (shellUrls.has(request.url)) {
    event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
  }
});
