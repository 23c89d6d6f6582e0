// Runs examples/node-service as its README says (a child process of `node examples/node-service/server.mjs`,
// after the build the node project's global setup makes), on free ports, and counts connections to it.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { root, tempDir } from './cli-harness.js';

export const serviceScript = join(root, 'examples/node-service/server.mjs');

export interface RunningExample {
  /** The standalone service, `http://127.0.0.1:<port>`. */
  service: string;
  /** The application that mounts the service under /db. */
  app: string;
  /** The store's folder. */
  store: string;
  /** SIGTERM, then the exit code and signal. */
  stop(): Promise<[number | null, string | null]>;
}

type Child = ChildProcessByStdio<null, Readable, Readable>;
const running = new Set<Child>();
const dirs: string[] = [];

/** Starts the example with PORT=0 and APP_PORT=0 and resolves with the two addresses it prints. */
export async function startServiceExample(env: Record<string, string> = {}): Promise<RunningExample> {
  const dir = tempDir('example-service');
  dirs.push(dir);
  const store = join(dir, 'store');
  const child = spawn(process.execPath, [serviceScript], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TEMPORAL_DB_PATH: store, PORT: '0', APP_PORT: '0', TEMPORAL_DB_TOKEN: '', ...env },
  });
  running.add(child);
  // 'close' rather than 'exit': by then stderr has been read to its end.
  const exit = once(child, 'close') as Promise<[number | null, string | null]>;
  void exit.then(() => running.delete(child));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let stdout = '';
  child.stdout.setEncoding('utf8');
  const [service, app] = await new Promise<[string, string]>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      const service = /^service\s+(http:\/\/\S+)/m.exec(stdout)?.[1];
      const app = /^app\s+(http:\/\/\S+)/m.exec(stdout)?.[1];
      if (service && app) resolve([service, app]);
    });
    void exit.then(([code]) => reject(new Error(`the example exited with ${code} before listening: ${stderr}`)));
  });
  return {
    service,
    app,
    store,
    async stop() {
      child.kill('SIGTERM');
      return exit;
    },
  };
}

/** Ends what startServiceExample started and removes its stores. */
export function cleanUpExamples(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface CountingProxy {
  /** The target URL with the proxy's port in place of the target's (the path kept). */
  url: string;
  /** TCP connections accepted so far. */
  connections(): number;
  /** Cuts every open connection, as a service does with an idle keep-alive connection. */
  dropAll(): void;
  close(): Promise<void>;
}

/** A TCP proxy in front of a service that counts the connections clients open to it. */
export async function countingProxy(target: string): Promise<CountingProxy> {
  const { hostname, port, pathname } = new URL(target);
  const open = new Set<Socket>();
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    const upstream = connect(Number(port), hostname);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
    };
    open.add(client);
    client.pipe(upstream).on('error', end);
    upstream.pipe(client).on('error', end);
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${own}${pathname === '/' ? '' : pathname}`,
    connections: () => accepted,
    dropAll: () => {
      for (const socket of open) socket.destroy();
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
