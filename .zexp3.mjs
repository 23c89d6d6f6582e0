import { build } from 'esbuild';
const r = await build({ stdin: { contents: "export * from './src/indexeddb.ts';", resolveDir: process.cwd(), loader: 'js' }, bundle: true, minify: false, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', tsconfigRaw: {} });
const t = r.outputFiles[0].text.split('\n');
for (let i = 3250; i < 3275; i++) console.log(i, t[i]);
