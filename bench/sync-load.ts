// Part 1 of `npm run bench:sync`: N clients replicating through one service.
// The service runs in a process of its own (bench/sync-service.ts), the
// clients in a few others (bench/sync-clients.ts). Run twice on fresh stores:
// through sync (push and pull in pages, `sync(db, url)`), and the whole-file
// way (each client's export posted to /v1/import, then the service's export
// imported by each client). Both must end with every client's export record
// lines identical to the service's, each version held once.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ClientKind, ClientPhase, ClientRequest } from './sync-clients.js';
import { digestLines, expectedVersions, versionProblems, type ExportDigest, type SyncSize } from './sync-workload.js';

export type LoadMode = 'sync' | 'whole-file';

export interface LoadFigures {
  mode: LoadMode;
  clients: number;
  versions: number;
  /** Wall time of the push phase (every client's versions reach the service), ms. */
  pushMs: number;
  /** Versions per second into the service during the push phase. */
  pushVersionsPerSecond: number;
  /** From the start of the push phase until the last client holds everything, ms. */
  convergeMs: number;
  /** Records added on the service and on the clients, over the converge time. */
  recordsMoved: number;
  recordsPerSecond: number;
  /** Rounds of `sync` every client ran until one moved nothing (sync mode). */
  rounds: number;
  /** Calls (sync rounds, imports, exports) that failed for a connection the server closed and were run again. */
  retries: number;
  /** The service's export. */
  service: Omit<ExportDigest, 'versions'>;
  /** Clients whose export record lines equal the service's. */
  identicalClients: number;
  /** Loss or duplicates (empty when there are none). */
  problems: string[];
}

export interface LoadOptions {
  size: SyncSize;
  /** Client processes. */
  workers: number;
  /** Store of client i. */
  kindOf: (client: number) => ClientKind;
  log: (line: string) => void;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const clock = () => performance.timeOrigin + performance.now();

interface Worker {
  call<T>(request: ClientRequest): Promise<T>;
  proc: ChildProcess;
}

function startWorker(): Worker {
  const proc = fork(fileURLToPath(new URL('./sync-clients.ts', import.meta.url)), [], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let pending: { resolve: (v: unknown) => void; reject: (e: Error) => void } | undefined;
  proc.on('message', (message: { ok: boolean; result?: unknown; error?: string }) => {
    const p = pending!;
    pending = undefined;
    if (message.ok) p.resolve(message.result);
    else p.reject(new Error(`client process: ${message.error}`));
  });
  proc.on('exit', (code) => pending?.reject(new Error(`a client process exited (code ${code})`)));
  return {
    proc,
    call: <T>(request: ClientRequest) =>
      new Promise<T>((resolve, reject) => {
        pending = { resolve: resolve as (v: unknown) => void, reject };
        proc.send(request);
      }),
  };
}

async function startService(path: string): Promise<{ url: string; stop(): Promise<void> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./sync-service.ts', import.meta.url)), path], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`the service exited (code ${code})`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

async function serviceDigest(url: string): Promise<ExportDigest> {
  const response = await fetch(`${url}/v1/export`);
  if (!response.ok || !response.body) throw new Error(`GET /v1/export: ${response.status}`);
  return digestLines(createInterface({ input: Readable.fromWeb(response.body as never), crlfDelay: Infinity }));
}

export async function runLoad(mode: LoadMode, options: LoadOptions): Promise<LoadFigures> {
  const { size, log } = options;
  const dir = mkdtempSync(join(tmpdir(), 'bench-sync-service-'));
  const service = await startService(join(dir, 'service'));
  const workers = Array.from({ length: Math.min(options.workers, size.clients) }, startWorker);
  try {
    await Promise.all(
      workers.map((w, k) =>
        w.call({
          op: 'open',
          size,
          url: service.url,
          clients: Array.from({ length: size.clients }, (_, i) => i).filter((i) => i % workers.length === k).map((index) => ({ index, kind: options.kindOf(index) })),
        }),
      ),
    );
    const all = async (op: ClientRequest['op']) => (await Promise.all(workers.map((w) => w.call<ClientPhase[]>({ op } as ClientRequest)))).flat();
    await all('store');
    log(`  ${mode}: ${size.clients} clients stored ${(size.clients * size.versions).toLocaleString('en-US')} versions offline`);

    const started = clock();
    let pushEnded: number;
    let convergeEnded: number;
    let moved = 0;
    let rounds = 0;
    let retries = 0;
    const count = (phase: ClientPhase[]) => {
      retries += phase.reduce((n, c) => n + c.retries, 0);
      return phase;
    };
    if (mode === 'sync') {
      // Round 1: each client pushes what it holds and pulls what is there already.
      const first = count(await all('sync'));
      rounds = 1;
      // The push phase ends when the last client's last page is acknowledged (sync pushes, then pulls).
      pushEnded = Math.max(...first.map((c) => c.pushedAt ?? started));
      convergeEnded = Math.max(...first.map((c) => c.endedAt));
      moved += first.reduce((n, c) => n + c.pushed + c.pulled, 0);
      log(`  sync: round 1 ${((convergeEnded - started) / 1000).toFixed(1)} s, the last push acknowledged at ${((pushEnded - started) / 1000).toFixed(1)} s (pushed ${first.reduce((n, c) => n + c.pushed, 0)}, pulled ${first.reduce((n, c) => n + c.pulled, 0)} records)`);
      // Then every client pulls until a round moves nothing anywhere.
      for (;;) {
        const round = count(await all('sync'));
        rounds++;
        const n = round.reduce((s, c) => s + c.pushed + c.pulled, 0);
        log(`  sync: round ${rounds} moved ${n} records`);
        if (n === 0) break;
        moved += n;
        convergeEnded = Math.max(...round.map((c) => c.endedAt));
        if (rounds > 20) throw new Error('sync did not converge in 20 rounds');
      }
    } else {
      const pushed = count(await all('file-push'));
      pushEnded = Math.max(...pushed.map((c) => c.endedAt));
      moved += pushed.reduce((n, c) => n + c.pushed, 0);
      log(`  whole-file: every export imported by the service in ${((pushEnded - started) / 1000).toFixed(1)} s`);
      const pulled = count(await all('file-pull'));
      convergeEnded = Math.max(...pulled.map((c) => c.endedAt));
      moved += pulled.reduce((n, c) => n + c.pulled, 0);
      rounds = 1;
    }

    const served = await serviceDigest(service.url);
    const digests = (await Promise.all(workers.map((w) => w.call<Array<ExportDigest & { index: number }>>({ op: 'digest' })))).flat();
    const expected = expectedVersions(size);
    const problems = versionProblems(size, served, expected).map((p) => `service: ${p}`);
    for (const d of digests) {
      if (d.sha256 !== served.sha256) problems.push(`client ${d.index}: ${d.lines} record lines differ from the service's ${served.lines}`);
      for (const p of versionProblems(size, d, expected)) problems.push(`client ${d.index}: ${p}`);
    }
    const total = size.clients * size.versions;
    const { versions: _, ...serviceSummary } = served;
    const figures: LoadFigures = {
      mode,
      clients: size.clients,
      versions: total,
      pushMs: pushEnded - started,
      pushVersionsPerSecond: total / ((pushEnded - started) / 1000),
      convergeMs: convergeEnded - started,
      recordsMoved: moved,
      recordsPerSecond: moved / ((convergeEnded - started) / 1000),
      rounds,
      retries,
      service: serviceSummary,
      identicalClients: digests.filter((d) => d.sha256 === served.sha256).length,
      problems,
    };
    log(
      `  ${mode}: converged in ${(figures.convergeMs / 1000).toFixed(1)} s; ${figures.identicalClients}/${size.clients} clients identical to the service ` +
        `(${served.lines} record lines, ${served.conflicts} Conflict records; ${retries} calls run again)${problems.length ? `; PROBLEMS: ${problems.slice(0, 5).join('; ')}` : ''}`,
    );
    return figures;
  } finally {
    await Promise.all(workers.map((w) => w.call({ op: 'close' }).catch(() => w.proc.kill())));
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
