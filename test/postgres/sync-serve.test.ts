// `temporal-db serve --postgres` from dist/: two service instances on one
// PostgreSQL store; a write through one reaches the sync clients of the other.
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTemporalDb } from '../../src/memory.js';
import { startSync, sync } from '../../src/sync.js';
import { cli, requireBuild, root } from '../node/cli-harness.js';
import { PG_TEST_URL, dropSchema, freshSchema } from './server.js';

type Child = ChildProcessByStdio<null, Readable, Readable>;

const children: Child[] = [];
const schemas: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});
beforeAll(requireBuild);

function storeUrl(): string {
  const schema = freshSchema();
  schemas.push(schema);
  return `${PG_TEST_URL}${PG_TEST_URL.includes('?') ? '&' : '?'}schema=${schema}`;
}

async function startServe(postgres: string): Promise<{ child: Child; url: string; exit: Promise<[number | null, string | null]>; stderr: () => string }> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--postgres', postgres], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TEMPORAL_DB_TOKEN: '' },
  });
  children.push(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = once(child, 'exit') as Promise<[number | null, string | null]>;
  let stdout = '';
  child.stdout.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
    });
    void exit.then(([code]) => reject(new Error(`serve exited with ${code} before listening: ${stderr}`)));
  });
  return { child, url, exit, stderr: () => stderr };
}

const adr = (identifier: string) => ({ specType: 'ADR', identifier, title: `Title of ${identifier}`, content: `Content of ${identifier}` });

const post = (url: string, body: unknown) =>
  fetch(`${url}/v1/specifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('temporal-db serve --postgres', () => {
  it('two instances on one store: a write through one reaches the sync clients of the other', async () => {
    const store = storeUrl();
    const [one, two] = await Promise.all([startServe(store), startServe(store)]);

    // Both instances answer for one store.
    const [infoOne, infoTwo] = await Promise.all([one.url, two.url].map(async (url) => (await fetch(`${url}/v1/sync/info`)).json()));
    expect(infoOne.storeId).toBe(infoTwo.storeId);

    const replica = await openTemporalDb();
    const handle = startSync(replica, two.url, { minRetryMs: 50, maxRetryMs: 500 });
    try {
      await vi.waitFor(() => expect(handle.status).toBe('idle'), { timeout: 20_000 });
      expect((await post(one.url, adr('ADR-001'))).status).toBe(201);
      // No call here: instance two's event stream pokes the client, which pulls.
      await vi.waitFor(async () => expect((await replica.getSpecification('ADR-001'))?.title).toBe('Title of ADR-001'), { timeout: 20_000, interval: 50 });
    } finally {
      await handle.stop();
    }

    // And back: a replica syncing through instance one gets what another pushed through instance two.
    const other = await openTemporalDb();
    await other.storeSpecification(adr('ADR-002') as never);
    expect(await sync(other, two.url)).toMatchObject({ pushed: 2, pulled: 2 });
    expect(await sync(replica, one.url)).toMatchObject({ pulled: 2 });
    expect((await replica.getSpecification('ADR-002'))?.version).toBe(1);
    await replica.close();
    await other.close();
  });

  it('refuses --db with --postgres, and a --postgres that is not a PostgreSQL URL (usage errors, exit 2)', () => {
    for (const args of [['--db', 'somewhere', '--postgres', storeUrl()], ['--postgres', './a-directory']]) {
      const result = spawnSync(process.execPath, [cli, 'serve', '--port', '0', ...args], { cwd: root, encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/--postgres/);
    }
  });

  it('on SIGTERM an instance ends its open event streams and exits 0', async () => {
    const store = storeUrl();
    const served = await startServe(store);
    const response = await fetch(`${served.url}/v1/sync/events`);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('retry:');
    served.child.kill('SIGTERM');
    // The stream ends (not cut): the reader reaches its end.
    for (;;) if ((await reader.read()).done) break;
    expect(await served.exit).toEqual([0, null]);
  });
});
