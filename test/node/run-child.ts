import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { TemporalDb } from '../../src/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs a script in its own plain Node process on the built package (npm test
 * builds it first), and returns its exit code, signal and output.
 */
export function runChild(script: string): Promise<{ signal: NodeJS.Signals | null; code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

/**
 * Runs `processes` Node processes on one store, each with 4 writers that
 * store their next version of `ADR-HOT` as soon as the last one is
 * committed (so 4 writes are always in flight), and checks that none was
 * refused. `entry` is the package entry to import, `options` the source of
 * the `openTemporalDb` options. Returns the process names the contents
 * carry (`name-writer-i`), for `expectHotHistory`.
 */
export async function runHotWriters(entry: string, options: string, processes = 8, perWriter = 25): Promise<string[]> {
  const writer = (name: string) => `
      import { openTemporalDb } from '${entry}';
      const db = await openTemporalDb(${options});
      const failures = [];
      await Promise.all(Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; i < ${perWriter}; i++) {
          await db.storeSpecification({ specType: 'ADR', identifier: 'ADR-HOT', title: 't', content: '${name}-' + w + '-' + i })
            .catch((error) => failures.push(error.code ?? String(error)));
        }
      }));
      await db.close();
      console.log(JSON.stringify(failures));`;
  const names = Array.from({ length: processes }, (_, i) => `p${i}`);
  const results = await Promise.all(names.map((name) => runChild(writer(name))));
  for (const result of results) expect(result.out.trim(), `exit ${result.code} signal ${result.signal}`).toBe('[]');
  return names;
}

/**
 * What several processes, each with 4 writers of `perWriter` versions in
 * flight on `ADR-HOT`, must leave: versions 1..n without a gap, every
 * writer's versions in its own order, and a change record for each.
 */
export async function expectHotHistory(db: TemporalDb, names: readonly string[], perWriter = 25): Promise<void> {
  const history = await db.getSpecificationHistory('ADR-HOT');
  const total = names.length * 4 * perWriter;
  expect(history.map((v) => v.version)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  expect(new Set(history.map((v) => v.content)).size).toBe(total);
  for (const name of names) {
    for (let w = 0; w < 4; w++) {
      const own = history.filter((v) => v.content.startsWith(`${name}-${w}-`)).map((v) => Number(v.content.split('-')[2]));
      expect(own).toEqual(Array.from({ length: perWriter }, (_, i) => i));
    }
  }
  // Changes of one millisecond are in id order, so compare them by version.
  const changes = (await db.getChanges({ identifier: 'ADR-HOT' })).sort((a, b) => a.version - b.version);
  expect(changes.map((c) => c.version)).toEqual(history.map((v) => v.version));
  expect(changes.map((c) => c.changeType)).toEqual(history.map((_, i) => (i === 0 ? 'Create' : 'Update')));
}
