// `npm run bench:browser`: builds the browser benchmark, serves it on loopback and runs it in the system Chromium.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { chromiumLaunchOptions } from '../scripts/chromium-launch.js';
import { parseBenchArgs } from './cli-options.js';
import { servePage } from './page-server.js';
import { formatTable, type Measurement } from './harness.js';
import { BROWSER_DEFAULT_SIZE, BROWSER_QUICK_SIZE } from './workload.js';

const options = parseBenchArgs(process.argv.slice(2), BROWSER_QUICK_SIZE, BROWSER_DEFAULT_SIZE);
if (options.historyScale > 1) throw new Error('--history-scale runs in the Node benchmark only');
const log = (line: string) => process.stderr.write(line + '\n');
const started = Date.now();

const served = await servePage(fileURLToPath(new URL('./browser-page.ts', import.meta.url)), 'temporal-db bench');

const browser = await chromium.launch(chromiumLaunchOptions);
try {
  const page = await browser.newPage();
  await page.exposeFunction('benchLog', log);
  page.on('pageerror', (error) => log(`page error: ${error.message}`));
  await page.goto(served.url);
  await page.waitForFunction(() => typeof window.runBench === 'function');
  const version = browser.version();
  log(`Chromium ${version}; workload ${JSON.stringify(options.size)}`);
  const report = (await page.evaluate(
    (args) => window.runBench(args),
    { size: options.size, repetitions: options.repetitions, batchSize: options.batchSize, concurrentStores: options.concurrentStores },
  )) as { userAgent: string; engines: Array<{ name: string; durability: string }>; results: Measurement[] };
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), headless Chromium ${version}`;
  console.log(`\n${machine}; ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  console.log(formatTable(report.results, 'temporal-db'));
  console.log('\nDurability:');
  for (const engine of report.engines) console.log(`- ${engine.name}: ${engine.durability}`);
  if (options.json) {
    writeFileSync(options.json, JSON.stringify({ machine, size: options.size, repetitions: options.repetitions, ...report }, null, 2));
    log(`figures written to ${options.json}`);
  }
} finally {
  await browser.close();
  served.close();
}
