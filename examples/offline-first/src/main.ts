// One ADR in one browser client: its latest version, its whole history (siblings included), the conflicts, a form that
// stores a new version, and the sync status. The store is this client's own (IndexedDB, named after ?client=); it
// syncs with the service (`startSync` from temporal-db/sync) and every section is redrawn by a live query (`watch`
// from temporal-db/live) whenever a commit touches the ADR: a version stored here or one pulled from the service.
import { initializeTemporalDatabase, type Specification, type SpecificationConflict, type SpecStatus } from 'temporal-db';
import { exportLines } from 'temporal-db/interchange';
import { watch } from 'temporal-db/live';
import { startSync, type SyncHandle, type SyncStatusDetail } from 'temporal-db/sync';
import './style.css';

const IDENTIFIER = 'ADR-001';
const params = new URLSearchParams(location.search);
const client = (params.get('client') || 'A').slice(0, 40);
// The service under /db on this page's origin (start.mjs), or another one given as ?sync= (it must allow this origin).
const service = params.get('sync') || new URL('./db', location.href).href.replace(/\/$/, '');
const STATUSES: SpecStatus[] = ['proposed', 'accepted', 'deprecated', 'superseded'];

/** An element with attributes and children. */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}
const when = (ms: number) => new Date(ms).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

const root = document.querySelector<HTMLElement>('#app')!;
const network = h('span', { id: 'network', class: 'pill' });
const syncStatus = h('span', { id: 'sync-status', class: 'pill', 'data-status': 'off' }, 'not syncing');
const pause = h('button', { id: 'pause', type: 'button' }, 'Pause sync');
const latest = h('section', { id: 'latest', class: 'panel' });
const conflicts = h('section', { id: 'conflicts', class: 'panel' });
const history = h('section', { id: 'history', class: 'panel' });
const title = h('input', { name: 'title', required: '', 'aria-label': 'Title' });
const status = h('select', { name: 'status', 'aria-label': 'Status' }, ...STATUSES.map((s) => h('option', { value: s }, s)));
const content = h('textarea', { name: 'content', rows: '4', required: '', 'aria-label': 'Content' });
const submit = h('button', { type: 'submit' }, 'Store a new version');
const form = h('form', { id: 'version-form', class: 'panel' }, h('h2', {}, 'Store a new version'), h('label', {}, 'Title', title), h('label', {}, 'Status', status), h('label', {}, 'Content', content), submit);
const message = h('p', { id: 'message', role: 'status' });

function showNetwork() {
  network.textContent = navigator.onLine ? 'online' : 'offline';
  network.classList.toggle('off', !navigator.onLine);
}

/** The form starts from the latest version, unless it has been typed into since. */
let typed = false;
form.addEventListener('input', () => (typed = true));

function render(versions: Specification[], found: SpecificationConflict[]) {
  const conflict = found[0];
  const head = versions.length ? versions.reduce((a, b) => (b.version > a.version ? b : a)) : undefined;
  // Reads return one winner among siblings; the conflict names it.
  const shown = conflict ? versions.find((v) => v.id === conflict.winner) ?? head : head;
  latest.dataset.version = String(shown?.version ?? 0);
  latest.replaceChildren(
    h('h2', {}, shown ? `${IDENTIFIER}: ${shown.title}` : `${IDENTIFIER} (not synced yet)`),
    ...(shown
      ? [h('p', { class: 'meta' }, `Version ${shown.version} · ${shown.status} · by ${shown.author} · ${when(shown.timestamp)}`), h('pre', { class: 'content' }, shown.content)]
      : []),
  );

  conflicts.dataset.count = String(found.length);
  conflicts.classList.toggle('alert', found.length > 0);
  conflicts.replaceChildren(
    h('h2', {}, 'Conflicts'),
    conflict
      ? h(
          'div',
          {},
          h('p', {}, `Version ${conflict.version} was written on ${conflict.versions.length} clients that had not seen each other. Reads show the later one; both are kept. Store a new version to resolve it.`),
          h('ul', {}, ...conflict.versions.map((v) => h('li', { class: 'sibling', 'data-id': v.id }, `${'author' in v ? v.author : '?'}: ${'title' in v ? v.title : '(deleted)'}${v.id === conflict.winner ? ' (shown)' : ''}`))),
        )
      : h('p', { class: 'none' }, 'None: every version number has one version.'),
  );

  const counts = new Map<number, number>();
  for (const v of versions) counts.set(v.version, (counts.get(v.version) ?? 0) + 1);
  history.replaceChildren(
    h('h2', {}, `History (${versions.length} versions)`),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...['version', 'title', 'status', 'author', 'written', 'id'].map((c) => h('th', {}, c)))),
      h(
        'tbody',
        {},
        ...versions.map((v) =>
          h(
            'tr',
            { class: counts.get(v.version)! > 1 ? 'history-row sibling' : 'history-row', 'data-version': String(v.version), 'data-id': v.id },
            h('td', {}, `${v.version}${counts.get(v.version)! > 1 ? ' (sibling)' : ''}`),
            h('td', {}, v.title),
            h('td', {}, v.status),
            h('td', {}, v.author ?? ''),
            h('td', {}, when(v.timestamp)),
            h('td', { class: 'id' }, v.id.slice(-8)),
          ),
        ),
      ),
    ),
  );

  submit.textContent = conflict ? `Store version ${conflict.version + 1} (resolves the conflict)` : `Store version ${(head?.version ?? 0) + 1}`;
  if (shown && !typed) {
    title.value = shown.title;
    status.value = shown.status;
    content.value = shown.content;
  }
}

async function start() {
  root.replaceChildren(
    h('header', {}, h('h1', {}, `Client ${client}`), h('span', { class: 'sub' }, `${IDENTIFIER} · own store in IndexedDB`), network, syncStatus, pause),
    message,
    h('div', { class: 'layout' }, h('div', {}, latest, conflicts, form), history),
  );
  addEventListener('online', showNetwork);
  addEventListener('offline', showNetwork);
  showNetwork();

  const db = await initializeTemporalDatabase(`temporal-db-offline-first-${client}`);
  const report = (error: unknown) => {
    message.textContent = error instanceof Error ? error.message : String(error);
    message.className = 'error';
  };
  // The history holds every version, siblings included: any commit that changes it may change the conflicts too.
  watch(db, { history: IDENTIFIER }, (versions) => void db.getConflicts(IDENTIFIER).then((found) => render(versions, found), report), { onError: report });

  let handle: SyncHandle | undefined;
  const showSync = (detail: SyncStatusDetail) => {
    syncStatus.dataset.status = detail.status;
    syncStatus.textContent = { idle: 'in sync', syncing: 'syncing…', offline: 'service unreachable: writes kept, retrying', error: `sync failed: ${detail.error?.message ?? ''}` }[detail.status];
  };
  const resume = () => {
    const started = startSync(db, service);
    handle = started;
    started.addEventListener('status', (event) => handle === started && showSync((event as CustomEvent<SyncStatusDetail>).detail));
    showSync({ status: started.status });
    pause.textContent = 'Pause sync';
  };
  // Pausing is "offline" for this client alone: two windows of one browser can then edit the ADR concurrently.
  pause.addEventListener('click', async () => {
    if (!handle) return resume();
    const stopping = handle;
    handle = undefined;
    await stopping.stop();
    syncStatus.dataset.status = 'paused';
    syncStatus.textContent = 'sync paused';
    pause.textContent = 'Resume sync';
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const stored = await db.storeSpecification({ specType: 'ADR', identifier: IDENTIFIER, title: title.value, status: status.value as SpecStatus, content: content.value, author: client });
      typed = false;
      const away = !navigator.onLine || !handle || handle.status === 'offline';
      message.textContent = `Stored ${IDENTIFIER} version ${stored.version} on client ${client}${away ? '; it is pushed when the service can be reached' : ''}.`;
      message.className = 'info';
    } catch (error) {
      report(error);
    }
  });

  resume();
  // For a test or the console: this client's store, and its export (record lines to compare replicas by).
  Object.assign(window, { offlineFirst: { db, client, exportLines: () => exportLines(db) } });
  root.dataset.ready = 'true';
}

start().catch((error: unknown) => {
  root.append(h('p', { class: 'error' }, `The store could not be opened: ${error instanceof Error ? error.message : String(error)}`));
});
