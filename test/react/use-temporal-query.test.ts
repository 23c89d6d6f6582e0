import { act, createElement, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
// The package as an app gets it (dist/, built by npm test), as the example's own imports are.
import { openTemporalDb, type Specification, type TemporalDb } from 'temporal-db/memory';
import { useTemporalQuery } from '../../examples/react/use-temporal-query.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const adr = (identifier: string, title: string) => ({ specType: 'ADR' as const, identifier, title, content: '...' });

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Renders `element` into a fresh container; the rendered text, read after React has settled. */
async function render(element: ReactNode): Promise<{ text: () => string; unmount: () => Promise<void> }> {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  await act(async () => root.render(element));
  let mounted = true;
  const unmount = async () => {
    if (mounted) await act(async () => root.unmount());
    mounted = false;
    container.remove();
  };
  cleanups.push(unmount);
  return { text: () => container.textContent ?? '', unmount };
}

/** Lets the watch read and React render what a write changed. */
async function settle(write?: () => Promise<unknown>): Promise<void> {
  await act(async () => {
    await write?.();
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  });
}

async function store(): Promise<TemporalDb> {
  const db = await openTemporalDb();
  cleanups.push(() => db.close());
  return db;
}

describe('useTemporalQuery (examples/react)', () => {
  it('renders the current result, then each change; a commit that changes nothing renders nothing', async () => {
    const db = await store();
    await db.storeSpecification(adr('ADR-001', 'Use LMDB'));
    const renders: Array<Specification | undefined> = [];
    function Title({ identifier }: { identifier: string }) {
      const latest = useTemporalQuery(db, { latest: identifier });
      renders.push(latest);
      return createElement('h1', null, latest ? `${latest.title} v${latest.version}` : 'loading');
    }
    const view = await render(createElement(Title, { identifier: 'ADR-001' }));
    await settle();
    expect(view.text()).toBe('Use LMDB v1');
    await settle(() => db.storeSpecification(adr('ADR-001', 'Use LMDB and IndexedDB')));
    expect(view.text()).toBe('Use LMDB and IndexedDB v2');
    const before = renders.length;
    await settle(() => db.storeSpecification(adr('ADR-002', 'Another decision')));
    expect(renders.length).toBe(before);
  });

  it('keeps a list in step with writes and deletions, and stops watching on unmount', async () => {
    const db = await store();
    function List() {
      const adrs = useTemporalQuery(db, { list: { specType: 'ADR' } });
      return createElement('ul', null, adrs?.map((s) => createElement('li', { key: s.identifier }, s.identifier)));
    }
    const view = await render(createElement(List));
    await settle();
    expect(view.text()).toBe('');
    await settle(() => db.storeSpecifications([adr('ADR-001', 'a'), adr('ADR-002', 'b')]));
    expect(view.text()).toBe('ADR-001ADR-002');
    await settle(() => db.deleteSpecification('ADR-001'));
    expect(view.text()).toBe('ADR-002');
    // Unmounted, the component's watch is stopped: a commit it would have read again is not read.
    await view.unmount();
    let reads = 0;
    const list = db.listSpecifications.bind(db);
    db.listSpecifications = (options) => (reads++, list(options));
    await settle(() => db.storeSpecification(adr('ADR-003', 'c')));
    expect(reads).toBe(0);
  });
});
