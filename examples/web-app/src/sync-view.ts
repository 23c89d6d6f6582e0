// Optional sync with a temporal-db service (examples/node-service, or `temporal-db serve`). `?sync=<url>` in the address,
// or the field here, starts it; the address is kept (localStorage) so the app resumes syncing on its next start, the
// token only for this browser session (sessionStorage). startSync pushes after each local write, pulls when the service
// pokes, waits with backoff while the service cannot be reached and resumes when the browser is online again. Pulled
// versions reach the views through their live queries, like any other commit. `temporal-db/sync` is loaded only when
// a sync starts: an app that never syncs never downloads it.
import type { SyncHandle, SyncResult, SyncStatusDetail } from 'temporal-db/sync';
import type { TemporalDb } from 'temporal-db';
import type { AppContext, View } from './context.js';
import { formatDateTime, h } from './dom.js';

const URL_KEY = 'temporal-db-web-app.sync-url';
const TOKEN_KEY = 'temporal-db-web-app.sync-token';

export interface SyncView extends View {
  /** Starts syncing with the service at `url` (replacing any sync under way); `''` stops. */
  use(url: string, token?: string): Promise<void>;
}

export function syncView(app: AppContext): SyncView {
  const url = h('input', { id: 'sync-url', type: 'url', placeholder: 'http://127.0.0.1:4780', 'aria-label': 'Service address' });
  const token = h('input', { id: 'sync-token', type: 'password', placeholder: 'token (if the service has one)', 'aria-label': 'Token', autocomplete: 'off' });
  const toggle = h('button', { type: 'submit', id: 'sync-toggle', class: 'primary' }, 'Sync');
  const status = h('p', { id: 'sync-status', class: 'sync-status', 'data-status': 'off' }, 'Not syncing.');
  const form = h('form', { class: 'sync-form' }, url, token, toggle);
  const element = h('section', { class: 'panel sync-panel' }, h('h2', {}, 'Sync'), form, status);

  let handle: SyncHandle | undefined;
  // Totals since this sync started, and when its last round ended.
  let totals: { pushed: number; pulled: number } | undefined;
  let lastAt = 0;

  const show = (detail: SyncStatusDetail | { status: 'off' }) => {
    status.dataset.status = detail.status;
    const done = totals ? ` Since start: ${totals.pushed} records pushed, ${totals.pulled} pulled; last round ${formatDateTime(lastAt)}.` : '';
    const text: Record<string, string> = {
      off: 'Not syncing.',
      idle: `In sync with ${url.value}.${done}`,
      syncing: `Syncing with ${url.value}…${done}`,
      offline: `${url.value} cannot be reached; retrying${'retryInMs' in detail && detail.retryInMs !== undefined ? ` in ${Math.ceil(detail.retryInMs / 1000)} s` : ''}. Writes are kept and pushed later.${done}`,
      error: `Sync failed: ${'error' in detail && detail.error ? `${detail.error.message} [${detail.error.code}]` : 'unknown error'}.`,
    };
    status.textContent = text[detail.status] ?? detail.status;
    toggle.textContent = detail.status === 'off' ? 'Sync' : 'Stop';
  };

  const use = async (address: string, secret = '') => {
    await handle?.stop();
    handle = undefined;
    totals = undefined;
    url.value = address;
    token.value = secret;
    localStorage.setItem(URL_KEY, address);
    sessionStorage.setItem(TOKEN_KEY, secret);
    if (!address) {
      show({ status: 'off' });
      return;
    }
    try {
      const { startSync } = await import('temporal-db/sync');
      const started = startSync(app.db, address, secret ? { token: secret } : {});
      handle = started;
      started.addEventListener('status', (event) => {
        if (handle === started) show((event as CustomEvent<SyncStatusDetail>).detail);
      });
      started.addEventListener('synced', (event) => {
        const { pushed, pulled } = (event as CustomEvent<SyncResult>).detail;
        totals = { pushed: (totals?.pushed ?? 0) + pushed, pulled: (totals?.pulled ?? 0) + pulled };
        lastAt = Date.now();
        if (handle === started) show({ status: started.status });
      });
      show({ status: started.status });
    } catch (error) {
      // A bad address (startSync checks it) or the sync module not loaded: offline before it was ever cached.
      status.dataset.status = 'error';
      status.textContent = `Sync could not start: ${error instanceof Error ? error.message : String(error)}`;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void use(handle ? '' : url.value.trim(), token.value);
  });

  return { element, render: async () => {}, use };
}

/** The sync address to start with: `?sync=` in the page's address (saved for next time), else the saved one. */
export function initialSync(): { url: string; token: string } {
  const given = new URLSearchParams(location.search).get('sync');
  return { url: given ?? localStorage.getItem(URL_KEY) ?? '', token: sessionStorage.getItem(TOKEN_KEY) ?? '' };
}

/** One sync round before anything else (at most 5 s); a failure is left to the Sync panel, which retries and shows it. */
export async function firstSync(db: TemporalDb, url: string, token: string): Promise<void> {
  try {
    const { sync } = await import('temporal-db/sync');
    await sync(db, url, { ...(token ? { token } : {}), signal: AbortSignal.timeout(5000) });
  } catch {
    // Seeded instead; the panel's startSync reports why.
  }
}
