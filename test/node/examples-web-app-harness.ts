// Runs examples/web-app as its README says (`node examples/web-app/serve.mjs` after the library's build: it builds the
// app with Vite's API and serves the build on 127.0.0.1), on a free port and into a temporary folder.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { root } from './cli-harness.js';

export const webAppScript = join(root, 'examples/web-app/serve.mjs');

export interface RunningWebApp {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** SIGTERM; resolves with the exit code once the server is gone. */
  stop(): Promise<number | null>;
}

/** Builds the app into `outDir` and serves it; resolves with the URL it prints. */
export async function startWebApp(outDir: string): Promise<RunningWebApp> {
  // Without vitest's NODE_ENV=test, which a user's shell does not have.
  const { NODE_ENV: _, ...env } = process.env;
  const child = spawn(process.execPath, [webAppScript], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, PORT: '0', OUT_DIR: outDir } });
  const exit = once(child, 'close') as Promise<[number | null]>;
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const url = /^web-app (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout)?.[1];
      if (url) resolve(url);
    });
    void exit.then(([code]) => reject(new Error(`the web app exited with ${code} before listening: ${stderr}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return (await exit)[0];
    },
  };
}
