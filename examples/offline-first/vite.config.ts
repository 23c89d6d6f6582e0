// The page's build. `temporal-db` is resolved through the package's exports with the browser condition (its
// IndexedDB build), as in any project that depends on it.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative URLs: the build works from any path it is served under.
  base: './',
  build: { sourcemap: true },
});
