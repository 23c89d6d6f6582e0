// `temporal-db serve` from dist/, in a child process: start-up rules, and SIGTERM with writes in flight.
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTemporalDb } from '../../src/lmdb.js';
import { cli, oneLine, requireBuild, root, run, tempDir } from './cli-harness.js';
import { adr } from './server-harness.js';

/** A hung child fails its test instead of stalling CI. */
const CHILD_TIMEOUT = 120_000;

type Child = ChildProcessByStdio<null, Readable, Readable>;

const dirs: string[] = [];
const children: Child[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
beforeAll(requireBuild);

function storeDir(): string {
  const dir = tempDir('serve');
  dirs.push(dir);
  return join(dir, 'store');
}

/** Starts `temporal-db serve` and resolves with the URL it prints on stdout. */
async function startServe(args: string[], env: Record<string, string> = {}): Promise<{ child: Child; url: string; stderr: () => string; exit: Promise<[number | null, string | null]> }> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TEMPORAL_DB_TOKEN: '', ...env } });
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
  return { child, url, stderr: () => stderr, exit };
}

/** A POST whose headers the server has received (100-continue) and whose body is sent when `send()` is called. */
async function heldPost(url: string, body: unknown): Promise<{ send(): void; answer: Promise<{ status: number; body: any }> }> {
  const text = JSON.stringify(body);
  const { hostname, port } = new URL(url);
  const req = request({
    host: hostname,
    port,
    method: 'POST',
    path: '/v1/specifications',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), expect: '100-continue' },
  });
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('response', (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(data) }));
    });
    req.on('error', reject);
  });
  const received = once(req, 'continue');
  req.flushHeaders();
  await received;
  return { send: () => req.end(text), answer };
}

describe('temporal-db serve', () => {
  it('prints its URL, serves the store, and on SIGTERM finishes the writes in flight, closes the store and exits 0', async () => {
    const db = storeDir();
    const served = await startServe(['--db', db]);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const first = await fetch(`${served.url}/v1/specifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(adr('ADR-0')) });
    expect(first.status).toBe(201);

    // Requests the server holds (headers received, body not yet sent) when the signal arrives...
    const held = await Promise.all(Array.from({ length: 8 }, (_, i) => heldPost(served.url, adr(`ADR-HELD-${i}`))));
    // ...and writers that keep writing, one version after the other, until the service refuses them:
    // the signal comes while they are writing. A write is acknowledged (and then stored) or refused, never lost.
    const post = (body: unknown) =>
      fetch(`${served.url}/v1/specifications`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        async (response) => ({ status: response.status, body: (await response.json()) as any }),
        () => ({ status: 0, body: undefined }),
      );
    let acknowledgedSoFar = 0;
    let writing!: () => void;
    const underWay = new Promise<void>((resolve) => (writing = resolve));
    const writer = async (w: number) => {
      const answers: Array<{ status: number; body: any }> = [];
      for (let i = 0; ; i++) {
        const answer = await post(adr(`ADR-W${w}`, { content: `v${i}` }));
        answers.push(answer);
        if (answer.status !== 201) return answers;
        if (++acknowledgedSoFar === 30) writing();
      }
    };
    const writers = Array.from({ length: 6 }, (_, w) => writer(w));
    await underWay;
    served.child.kill('SIGTERM');
    for (const post of held) post.send();
    const heldAnswers = await Promise.all(held.map((post) => post.answer));
    const writerAnswers = await Promise.all(writers);
    const [code, signal] = await served.exit;
    expect([code, signal]).toEqual([0, null]);
    expect(served.stderr()).toBe('');

    // Every held request was in flight: all acknowledged.
    expect(heldAnswers.map((answer) => answer.status)).toEqual(Array(8).fill(201));
    // Each writer ends on a refusal: a closed connection (0) or SHUTTING_DOWN (503).
    for (const answers of writerAnswers) expect([0, 503]).toContain(answers.at(-1)!.status);
    const acknowledged = [...heldAnswers, ...writerAnswers.flat()].filter((answer) => answer.status === 201).map((answer) => answer.body);
    expect(acknowledged.length).toBeGreaterThanOrEqual(30 + 8);

    const reopened = await openTemporalDb({ path: db });
    try {
      for (const written of acknowledged) {
        const found = await reopened.getSpecification(written.identifier, { version: written.version });
        expect(found?.id, `${written.identifier} v${written.version}`).toBe(written.id);
      }
      for (const [w, answers] of writerAnswers.entries()) {
        const versions = (await reopened.getSpecificationHistory(`ADR-W${w}`)).map((v) => v.version);
        // Consecutive versions, at least as many as were acknowledged (a refused one may have been written just before its connection closed).
        expect(versions).toEqual(versions.map((_, i) => i + 1));
        expect(versions.length).toBeGreaterThanOrEqual(answers.filter((answer) => answer.status === 201).length);
      }
    } finally {
      await reopened.close();
    }
  });

  it('refuses a non-loopback host without a token (exit 2, nothing created), and serves it with TEMPORAL_DB_TOKEN until SIGINT', async () => {
    const db = storeDir();
    const refused = run(['serve', '--db', db, '--host', '0.0.0.0', '--port', '0']);
    expect(refused.code).toBe(2);
    expect(oneLine(refused.stderr)).toMatch(/^temporal-db serve: listening on 0\.0\.0\.0 needs a token .*; see 'temporal-db serve --help'$/);
    expect(existsSync(db)).toBe(false);
    const short = run(['serve', '--db', db, '--token', 'short', '--json']);
    expect(short.code).toBe(2);
    expect(JSON.parse(short.stderr)).toMatchObject({ code: 'USAGE', path: ['--token'] });
    expect(run(['serve', '--db', db, '--port', '70000']).code).toBe(2);

    const token = 'a-token-from-the-environment-42';
    const served = await startServe(['--db', db, '--host', '0.0.0.0'], { TEMPORAL_DB_TOKEN: token });
    const port = new URL(served.url).port;
    expect((await fetch(`http://127.0.0.1:${port}/v1/health`)).status).toBe(401);
    const health = await fetch(`http://127.0.0.1:${port}/v1/health`, { headers: { authorization: `Bearer ${token}` } });
    expect(await health.json()).toEqual({ status: 'ok', backend: 'lmdb' });
    served.child.kill('SIGINT');
    expect(await served.exit).toEqual([0, null]);
  });

  it('answers the README’s curl lines as the README says', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The service'));
    const block = /Then, from another terminal:\n\n```sh\n([\s\S]*?)```/.exec(section)![1]!;
    const lines = block.split('\n').filter((line) => line.startsWith('curl '));
    expect(lines.length).toBeGreaterThanOrEqual(8);
    const cwd = tempDir('readme-serve');
    dirs.push(cwd);
    const served = await startServe(['--db', join(cwd, 'architecture-db')]);
    const outputs = lines.map((line) => {
      const command = line.replaceAll('http://127.0.0.1:4780', served.url);
      return execFileSync('bash', ['-c', command], { cwd, encoding: 'utf8' });
    });
    served.child.kill('SIGTERM');
    expect(await served.exit).toEqual([0, null]);
    const answers = outputs.map((output) => (output === '' ? undefined : JSON.parse(output)));
    for (const [i, answer] of answers.entries()) expect(answer?.error, lines[i]).toBeUndefined();
    const at = (fragment: string) => answers[lines.findIndex((line) => line.includes(fragment))];
    expect(answers[2]).toMatchObject({ identifier: 'ADR-001', version: 2, status: 'accepted' });
    expect(at('asOf=2026-01-20')).toMatchObject({ version: 1, status: 'proposed' });
    expect(at('/history').map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(at('changeType=Update')).toEqual([expect.objectContaining({ changeType: 'Update', fieldChanges: { status: { oldValue: 'proposed', newValue: 'accepted' } } })]);
    expect(at('/v1/decisions')).toMatchObject({ changeType: 'Decision', decision: { decisionPoint: 'storage-engine', selectedOption: 'LMDB' } });
    expect(at('decision-patterns')).toEqual([expect.objectContaining({ decisionPoint: 'storage-engine', totalDecisions: 1, selectedCount: 1 })]);
    expect(readFileSync(join(cwd, 'store.ndjson'), 'utf8').split('\n').filter(Boolean)).toHaveLength(1 + 2 + 3);
    expect(at('/v1/import')).toMatchObject({ added: { specifications: 0, changes: 0 }, skipped: { specifications: 2, changes: 3 } });
  });

  it('is importable from the built package as temporal-db/server, sharing the error class of temporal-db', () => {
    const dir = storeDir();
    const script = `
      import { openTemporalDb, TemporalDbError } from 'temporal-db';
      import { createTemporalDbServer } from 'temporal-db/server';
      const db = await openTemporalDb({ path: ${JSON.stringify(dir)} });
      const server = createTemporalDbServer(db);
      const refused = await server.listen({ host: '0.0.0.0', port: 0 }).catch((error) => error);
      const { url } = await server.listen({ port: 0 });
      const stored = await fetch(url + '/v1/specifications', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ specType: 'ADR', identifier: 'ADR-1', title: 't', content: 'c' }) });
      console.log(JSON.stringify([refused instanceof TemporalDbError, refused.code, stored.status, (await stored.json()).version]));
      await server.close();
      await db.close();`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: CHILD_TIMEOUT });
    expect(JSON.parse(out)).toEqual([true, 'INVALID_INPUT', 201, 1]);
  });

  it('reports a port already in use as one line, exit 1', async () => {
    const db = storeDir();
    const served = await startServe(['--db', db]);
    const port = new URL(served.url).port;
    const second = run(['serve', '--db', storeDir(), '--port', port]);
    expect(second.code).toBe(1);
    expect(oneLine(second.stderr)).toMatch(/EADDRINUSE.*\[IO_ERROR\]$/);
    served.child.kill('SIGTERM');
    expect(await served.exit).toEqual([0, null]);
  });
});
