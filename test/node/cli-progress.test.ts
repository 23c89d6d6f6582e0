import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, run, runOnTerminal, tempDir } from './cli-harness.js';

// Progress is for a person at a terminal: `script` gives the CLI a pseudo-terminal.
const dir = tempDir('cli-progress');
const db = join(dir, 'store');
const file = join(dir, 'export.ndjson');
const specs = Array.from({ length: 40 }, (_, i) => ({ specType: 'ADR', identifier: `ADR-${i}`, title: `t${i}`, content: `c${i}` }));

beforeAll(() => {
  requireBuild();
  for (const spec of specs.slice(0, 2)) expect(run(['store', '--db', db], { input: JSON.stringify(spec) }).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('progress', () => {
  it('export on a terminal shows counts, percent of the header total and the rate', () => {
    const result = runOnTerminal(['export', file, '--db', db]);
    expect(result.code, result.stdout).toBe(0);
    // 1 header line + 2 specifications + 2 Create changes.
    expect(result.stdout).toMatch(/\r\x1b\[Kexporting 5\/5 lines \(100%\), [\d,]+ lines\/s/);
    expect(result.stdout).toMatch(/Exported 5 lines to /);
  });

  it('import on a terminal shows the check pass and the write pass', () => {
    const result = runOnTerminal(['import', file, '--db', join(dir, 'imported')]);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/checking 5\/5 lines \(100%\), [\d,]+ lines\/s/);
    expect(result.stdout).toMatch(/importing 5\/5 lines \(100%\), [\d,]+ lines\/s/);
  });

  it('nothing goes to stderr on a pipe', () => {
    const exported = run(['export', file, '--db', db]);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toBe('');
    const toStdout = run(['export', '--db', db]);
    expect(toStdout.stderr).toBe('');
    expect(toStdout.stdout.split('\n')).toHaveLength(6);
    const imported = run(['import', file, '--db', join(dir, 'piped')]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toBe('');
  });

  it('store waiting on a terminal says it reads JSON from stdin; on a pipe it says nothing', () => {
    const input = JSON.stringify(specs[2]) + '\n\x04';
    const terminal = runOnTerminal(['store', '--db', db], { input });
    expect(terminal.code, terminal.stdout).toBe(0);
    expect(terminal.stdout).toMatch(/Reading the specification as JSON from stdin; end with Ctrl-D/);
    expect(terminal.stdout).toMatch(/Stored ADR-2 version 1/);
    const piped = run(['store', '--db', db], { input: JSON.stringify(specs[3]) });
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
  });
});
