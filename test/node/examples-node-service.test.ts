// examples/node-service as its README says: started as a child process, then every curl line of the README, with real curl.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTemporalDb } from '../../src/lmdb.js';
import { requireBuild, root } from './cli-harness.js';
import { cleanUpExamples, startServiceExample, type RunningExample } from './examples-harness.js';

const readme = readFileSync(join(root, 'examples/node-service/README.md'), 'utf8');

/** The curl lines of the README's ```sh block that follows `marker`. */
function curlLines(marker: string): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf(marker)))![1]!;
  return block.split('\n').filter((line) => line.startsWith('curl '));
}

/** Runs a README line against the running example (its ports in place of 4780 and 4781) and parses what curl prints. */
function runLine(line: string, example: RunningExample, env: Record<string, string> = {}): any {
  const command = line.replaceAll('http://127.0.0.1:4780', example.service).replaceAll('http://127.0.0.1:4781', example.app);
  const output = execFileSync('bash', ['-c', command], { encoding: 'utf8', env: { ...process.env, ...env } });
  return JSON.parse(output);
}

beforeAll(requireBuild);
afterEach(cleanUpExamples);

describe('examples/node-service', () => {
  it('is started by the npm script its README names', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(readme).toContain('npm run example:service');
    expect(scripts['example:service']).toBe('npm run build && node examples/node-service/server.mjs');
  });

  it('answers the README’s curl lines as the README says, standalone and mounted, and keeps them after SIGTERM', async () => {
    const lines = curlLines('## Try it');
    expect(lines).toHaveLength(10);
    const example = await startServiceExample();
    const answers = lines.map((line) => runLine(line, example));
    const at = (fragment: string) => answers[lines.findIndex((line) => line.includes(fragment))];

    expect(answers[0]).toMatchObject({ identifier: 'ADR-001', version: 1, status: 'proposed', author: 'ana' });
    expect(answers[1]).toMatchObject({ identifier: 'ADR-001', version: 2, status: 'accepted' });
    expect(answers[2]).toEqual(answers[1]); // the latest
    expect(at('asOf=2026-01-20')).toEqual(answers[0]);
    const history = at('4780/v1/specifications/ADR-001/history');
    expect(history).toEqual([answers[0], answers[1]]);
    expect(at('/v1/decisions')).toMatchObject({
      changeType: 'Decision',
      identifier: 'ADR-001',
      decision: { decisionPoint: 'service-transport', selectedOption: 'HTTP with JSON', confidence: 0.9 },
    });
    expect(at('decision-patterns')).toEqual([
      expect.objectContaining({ decisionPoint: 'service-transport', specType: 'ADR', totalDecisions: 1, selectedCount: 1, options: { 'HTTP with JSON': 1 } }),
    ]);
    // The application's own route, then the handler mounted under /db of the same server: the same store.
    expect(at('4781/adrs')).toEqual([{ identifier: 'ADR-001', version: 2, status: 'accepted', title: 'Serve the store over HTTP' }]);
    expect(at('4781/db/v1/')).toEqual(history);
    expect(at('ADR-404')).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), path: ['identifier'] } });

    // Again, the first line is refused: ADR-001 has a later version.
    expect(runLine(lines[0]!, example)).toMatchObject({ error: { code: 'OUT_OF_ORDER' } });

    expect(await example.stop()).toEqual([0, null]);
    const db = await openTemporalDb({ path: example.store });
    try {
      expect((await db.getSpecificationHistory('ADR-001')).map((v) => v.version)).toEqual([1, 2]);
      expect(await db.getChanges({ specId: 'ADR-001', changeType: 'Decision' })).toHaveLength(1);
    } finally {
      await db.close();
    }
  });

  it('fails with one line and exit 1 when its port is taken or its token too short', async () => {
    const first = await startServiceExample();
    const taken = new URL(first.service).port;
    await expect(startServiceExample({ PORT: taken })).rejects.toThrow(/exited with 1 before listening: node-service: .*EADDRINUSE.*\n$/);
    await expect(startServiceExample({ TEMPORAL_DB_TOKEN: 'short' })).rejects.toThrow(/exited with 1 before listening: node-service: The token must be .* \[INVALID_INPUT\]\n$/);
    expect(await first.stop()).toEqual([0, null]);
  });

  it('with TEMPORAL_DB_TOKEN, answers the README’s token lines and refuses requests without it, standalone and mounted', async () => {
    const token = 'example-token-0123456789abcdef';
    const example = await startServiceExample({ TEMPORAL_DB_TOKEN: token });
    const [store] = curlLines('## Try it');
    expect(runLine(store!, example)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const withToken = `${store} -H "authorization: Bearer $TEMPORAL_DB_TOKEN"`;
    expect(runLine(withToken, example, { TEMPORAL_DB_TOKEN: token })).toMatchObject({ identifier: 'ADR-001', version: 1 });

    const lines = curlLines('With a token');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(runLine(line, example, { TEMPORAL_DB_TOKEN: token })).toMatchObject({ identifier: 'ADR-001', version: 1 });
      expect(runLine(line, example, { TEMPORAL_DB_TOKEN: 'not-the-token-0123456789' })).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    }
    // The application's own route is the application's business.
    expect(runLine('curl -s http://127.0.0.1:4781/adrs', example)).toEqual([expect.objectContaining({ identifier: 'ADR-001' })]);
    expect(await example.stop()).toEqual([0, null]);
  });
});
