import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openTemporalDb } from '../../src/lmdb.js';
import { populateBatches } from '../contract/sample-store.js';
import { exportLines, importFrom } from '../../src/interchange.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'temporal-db-interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an import killed half way', () => {
  it('can simply be run again and completes with no duplicates', async () => {
    const source = await openTemporalDb({ path: join(dir, 'source') });
    await populateBatches(source, 6);
    const lines: string[] = [];
    for await (const line of exportLines(source)) lines.push(line);
    await source.close();
    const file = join(dir, 'export.ndjson');
    writeFileSync(file, lines.join(''));

    // The child (a plain Node process on the built package) dies by SIGKILL as soon as the first import batches are committed.
    const target = join(dir, 'target');
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
        import { importFrom, openTemporalDb } from 'temporal-db';
        import { createReadStream } from 'node:fs';
        const db = await openTemporalDb({ path: ${JSON.stringify(target)} });
        setInterval(async () => {
          if ((await db.statistics()).versions >= 1000) process.kill(process.pid, 'SIGKILL');
        }, 1);
        await importFrom(db, () => createReadStream(${JSON.stringify(file)}));
        console.log('finished before it could be killed');`,
      ],
      { cwd: root },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal, output).toBe('SIGKILL');

    const db = await openTemporalDb({ path: target });
    const partial = await db.statistics();
    expect(partial.versions).toBeGreaterThan(0);
    expect(partial.versions).toBeLessThan(3000);
    const result = await importFrom(db, new Blob(lines));
    expect(result.added.specifications + result.skipped.specifications).toBe(3000);
    expect(result.skipped.specifications).toBe(partial.versions);
    const again: string[] = [];
    for await (const line of exportLines(db)) again.push(line);
    expect(again.slice(1)).toEqual(lines.slice(1));
    expect((await db.getSpecificationHistory('ADR-0007')).map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6]);
    await db.close();
  });
});
