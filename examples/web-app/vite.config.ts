// The app's build. `temporal-db` is resolved through the package's exports with the browser condition (dist/indexeddb.js),
// as in a user's project; the plugin below writes the service worker with the list of built files it caches.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Emits sw.js (written by hand, next to this file) with the shell's files and a hash of their contents filled in. */
function appShellWorker(): Plugin {
  return {
    name: 'app-shell-worker',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((name) => !name.endsWith('.map'))
        .sort();
      const hash = createHash('sha256');
      for (const name of files) {
        const output = bundle[name]!;
        hash.update(name).update(output.type === 'chunk' ? output.code : output.source);
      }
      const source = readFileSync(`${here}/sw.js`, 'utf8')
        .replace('__SHELL__', JSON.stringify(['./', ...files.map((name) => `./${name}`)]))
        .replace('__VERSION__', JSON.stringify(hash.digest('hex').slice(0, 16)));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

export default defineConfig({
  root: here,
  // Relative URLs: the build works from any path it is served under.
  base: './',
  plugins: [appShellWorker()],
  build: { sourcemap: true },
});
