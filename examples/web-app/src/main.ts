// The web app: the browser build of temporal-db (data in IndexedDB), a service worker for the app shell (sw.js), and
// views over one store (list, timeline, diff, analysis, forms, sync). Everything it does with the store goes through the
// package's public API.
import { initializeTemporalDatabase } from 'temporal-db';
import { watch, type WatchQuery } from 'temporal-db/live';
import { analysisView } from './analysis-view.js';
import type { AppContext, View } from './context.js';
import { diffView } from './diff-view.js';
import { h } from './dom.js';
import { formsView } from './forms.js';
import { listView } from './list-view.js';
import { seedIfEmpty } from './seed.js';
import { firstSync, initialSync, syncView } from './sync-view.js';
import { timelineView } from './timeline-view.js';
import './style.css';

const root = document.querySelector<HTMLElement>('#app')!;
const network = h('span', { class: 'pill', id: 'network' });
const shell = h('span', { class: 'pill', id: 'shell' }, 'app shell not cached');
const message = h('p', { class: 'message', id: 'message', role: 'status' });

function showNetwork() {
  network.textContent = navigator.onLine ? 'online' : 'offline';
  network.classList.toggle('off', !navigator.onLine);
}
addEventListener('online', showNetwork);
addEventListener('offline', showNetwork);
showNetwork();

async function registerServiceWorker() {
  // Vite's dev server (the one with hot reload) serves sources, not the built shell: the worker is for the build only.
  if (import.meta.hot || !('serviceWorker' in navigator)) return;
  // Ready once a worker is active, which may be before register() settles: offline, its check for a newer sw.js fails
  // while the cached shell is what serves this very page.
  void navigator.serviceWorker.ready.then(() => {
    shell.textContent = 'works offline';
    shell.classList.add('ok');
  });
  try {
    await navigator.serviceWorker.register('./sw.js');
  } catch (error) {
    if (!navigator.serviceWorker.controller) shell.textContent = `no offline shell (${error instanceof Error ? error.message : String(error)})`;
  }
}

async function start() {
  root.replaceChildren(
    h('header', { class: 'top' }, h('h1', {}, 'Architecture decisions'), h('span', { class: 'sub' }, 'temporal-db in IndexedDB'), network, shell),
    message,
  );
  void registerServiceWorker();
  // The IndexedDB database of that name (`openTemporalDb({ name })` in the browser build; this form also type-checks
  // where the repository's TypeScript settings map `temporal-db` to the Node entry, whose option is a path).
  const db = await initializeTemporalDatabase('temporal-db-web-app');
  // The address given (?sync=, saved for next time; an empty one stops) or the one saved; none: no sync.
  const { url, token } = initialSync();
  // With a service to sync with, a first run takes what the service holds instead of seeding: seeding here too would
  // give every browser its own concurrent copies of the same ADRs. Unreachable (offline, say): seeded all the same.
  const seeded = await seedIfEmpty(db, url ? { fill: () => firstSync(db, url, token) } : {});

  const views: View[] = [];
  const report = (error: unknown) => app.notify(error instanceof Error ? error.message : String(error), 'error');
  // Live queries (`watch` from temporal-db/live): each view is drawn again when a commit changes what it shows, whether the commit was made here, in
  // another tab (IndexedDB's BroadcastChannel) or arrived by sync. The first answer comes at once.
  const follow = (query: WatchQuery, shown: View[]) => watch(db, query, () => void Promise.all(shown.map((view) => view.render())).catch(report), { onError: report });
  let stopList = () => {};
  let stopHistory = () => {};
  const app: AppContext = {
    db,
    state: {},
    select(identifier) {
      if (app.state.selected === identifier) return;
      timeline.reset();
      app.state.selected = identifier;
      history.replaceState(null, '', `#${encodeURIComponent(identifier)}`);
      stopHistory();
      stopHistory = follow({ history: identifier }, [list, timeline, diff, forms]);
    },
    filter(specType) {
      app.state.specType = specType;
      stopList();
      stopList = follow({ list: specType ? { specType } : {} }, [list, forms]);
    },
    async refresh() {
      await Promise.all(views.map((view) => view.render())).catch(report);
    },
    notify(text, kind = 'info') {
      message.textContent = text;
      message.className = `message ${kind}`;
    },
  };
  const list = listView(app);
  const timeline = timelineView(app);
  const diff = diffView(app);
  const analysis = analysisView(app);
  const forms = formsView(app);
  const syncing = syncView(app);
  views.push(list, timeline, diff, analysis, forms);
  root.append(h('div', { class: 'layout' }, h('div', { class: 'side' }, list.element, syncing.element), h('main', {}, timeline.element, diff.element, analysis.element, forms.element)));

  // The choice is kept in the address (#ADR-002), so a reload or a link shows the same specification.
  const specs = await db.listSpecifications();
  const linked = decodeURIComponent(location.hash.slice(1));
  const first = specs.find((spec) => spec.identifier === linked)?.identifier ?? specs.at(0)?.identifier;
  if (seeded) app.notify('First run: stored a few ADRs with several versions and decisions.');
  app.filter(undefined);
  if (first) app.select(first);
  // A decision is a change record: the newest one changing is what makes the analysis worth reading again.
  follow({ changes: { changeType: 'Decision', newestFirst: true, limit: 1 } }, [analysis, forms]);
  await app.refresh();
  void syncing.use(url, token);
  root.dataset.ready = 'true';
}

start().catch((error: unknown) => {
  root.append(h('p', { class: 'message error' }, `The store could not be opened: ${error instanceof Error ? error.message : String(error)}`));
});
