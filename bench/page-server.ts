// Serves one bundled benchmark page on loopback for headless Chromium: the page is a script tag, the
// script the entry bundled for the browser as a consumer would get it (through package exports).
import { createServer } from 'node:http';
import { build } from 'esbuild';

/** Bundles `entry` and serves it at `url` until `close()`. */
export async function servePage(entry: string, title: string): Promise<{ url: string; close(): void }> {
  const bundle = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, minify: false, tsconfigRaw: {} });
  const script = bundle.outputFiles[0]!.text;
  const html = `<!doctype html><meta charset="utf-8"><title>${title}</title><script type="module" src="/page.js"></script>`;
  const server = createServer((request, response) => {
    const js = request.url === '/page.js';
    response.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
    response.end(js ? script : html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}
