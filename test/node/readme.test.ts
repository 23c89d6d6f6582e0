import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** A hung child fails its test instead of stalling CI. */
const CHILD_TIMEOUT = 120_000;

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('README', () => {
  it('runs the Node quick start as written', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const start = readme.indexOf('Node (LMDB):');
    const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(start))![1]!;
    const dir = mkdtempSync(join(tmpdir(), 'temporal-db-readme-'));
    try {
      const script =
        block.replace("'./architecture-db'", JSON.stringify(join(dir, 'store'))).replace('await db.close();', '') +
        `
        const history = await db.getSpecificationHistory('ADR-001');
        const asOf = await db.getSpecification('ADR-001', { asOf: '2026-01-20' });
        const changes = await db.getChanges({ specId: v1.specId });
        const byIdentifier = await db.getChanges({ specId: 'ADR-001' });
        console.log(JSON.stringify({
          sameByIdentifier: JSON.stringify(byIdentifier) === JSON.stringify(changes),
          versions: history.map((v) => v.version),
          asOf: asOf?.version,
          changes: changes.map((c) => [c.changeType, Object.keys(c.fieldChanges)]),
        }));
        await db.close();`;
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: root,
        encoding: 'utf8',
        timeout: CHILD_TIMEOUT,
      });
      expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({
        sameByIdentifier: true,
        versions: [1, 2],
        asOf: 1,
        changes: [
          ['Create', []],
          ['Update', ['status']],
        ],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('README worked example', () => {
  it('prints what the README shows for examples/recommendations.ts', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('A worked example (`npx tsx examples/recommendations.ts`'));
    const shown = /```\n([\s\S]*?)```/.exec(section)![1]!;
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'examples/recommendations.ts')], { cwd: root, encoding: 'utf8', timeout: CHILD_TIMEOUT });
    expect(out).toBe(shown);
    // What the text around the example says it shows.
    expect(shown).toContain('Decisions on ADR-010: 7');
    expect(shown).toContain('regenerated: false');
    expect(shown).toContain('Message Broker for "service-messaging" (confidence 0.75');
    expect(shown).toContain('Api Versioning for "api_versioning" (confidence 0.67');
  });
});

describe('README sync example', () => {
  it('runs the Sync block as written: two replicas converge, then a write on one reaches the other', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('\n## Sync\n')))![1]!;
    const dir = mkdtempSync(join(tmpdir(), 'temporal-db-readme-sync-'));
    try {
      const script = block
        .replace(/'\.\/(server|laptop|desktop)-db'/g, (_, name: string) => JSON.stringify(join(dir, name)))
        .replace('port: 4780', 'port: 0')
        .replace(/from 'temporal-db(\/\w+)?'/g, (_, sub: string | undefined) => `from ${JSON.stringify(join(root, `src/${sub ? sub.slice(1) : 'lmdb'}.ts`))}`);
      // A file, since the block is TypeScript (tsx compiles files, not -e input).
      writeFileSync(join(dir, 'sync-example.mts'), script);
      const out = execFileSync(process.execPath, ['--import', 'tsx', join(dir, 'sync-example.mts')], { cwd: root, encoding: 'utf8', timeout: CHILD_TIMEOUT });
      const lines = out.trim().split('\n');
      // What the comments in the block say each round prints.
      const shown = [...block.matchAll(/\/\/ (\{ pushed.*\})/g)].map((match) => match[1]);
      expect(lines.slice(0, 3)).toEqual(shown);
      expect(lines).toContain('desktop sync: idle');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
