import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PG_TEST_URL, dropSchema, freshSchema } from './server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const schemas: string[] = [];
afterEach(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

describe('README PostgreSQL section', () => {
  it('runs its example as written, on the test server', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## PostgreSQL'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    const schema = freshSchema();
    schemas.push(schema);
    const script =
      block
        .replace("'postgres://app@db.internal/architecture'", JSON.stringify(PG_TEST_URL))
        .replace("schema: 'temporal_db'", `schema: ${JSON.stringify(schema)}`) +
      `
      const again = await openTemporalDb({ connectionString: ${JSON.stringify(PG_TEST_URL)}, schema: ${JSON.stringify(schema)} });
      const latest = await again.getLatestSpecification('ADR', 'ADR-001');
      console.log(JSON.stringify([again.backendKind, latest?.version, latest?.title]));
      await again.close();`;
    expect(script).toContain(JSON.stringify(PG_TEST_URL));
    expect(script).toContain(JSON.stringify(schema));
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual(['postgres', 1, 'Use PostgreSQL']);
  });
});
