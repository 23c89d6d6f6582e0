import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { describe, expect, it } from 'vitest';
import { encodeKeyString } from '../../src/core/key-codec.js';
import { MAX_IDENTIFIER_BYTES, MAX_KEY_BYTES, MAX_NAME_BYTES, NUMBER_KEY_BYTES, keyStringBytes, keyStringProblem } from '../../src/core/key-limits.js';
import { TABLES, columnsOf, type KeyColumns } from '../../src/core/tables.js';

const utf8 = (value: string) => new TextEncoder().encode(value).length;

describe('key part sizes', () => {
  it('counts the UTF-8 bytes of the key encoding', () => {
    const samples = ['', 'ADR-001', 'ADR 001', '!', '\u0000\u001f', 'é', '中文', '\ud7fe', '\ud7ff', '\ue000', '\uffff', '😀', 'a😀b'];
    for (let unit = 0; unit < 0x10000; unit += 97) samples.push(String.fromCharCode(unit));
    for (const sample of samples) expect(keyStringBytes(sample), JSON.stringify(sample)).toBe(Math.max(1, utf8(encodeKeyString(sample))));
  });

  it('refuses exactly what is over the budget', () => {
    expect(keyStringProblem('a'.repeat(1024), 1024)).toBeUndefined();
    expect(keyStringProblem('a'.repeat(1025), 1024)).toMatch(/at most 1024 bytes/);
    expect(keyStringProblem('😀'.repeat(36) + 'aaaa', 508)).toBeUndefined();
    expect(keyStringProblem('😀'.repeat(37), 512)).toMatch(/got 518/);
    expect(keyStringProblem('x'.repeat(10_000), 512)).toMatch(/more than 512/);
  });

  it('keeps the widest key of every table and index within LMDB limit', () => {
    // Identifiers become `ik`; every other string column holds a name or id with the smaller budget.
    const bytesOf = (columns: KeyColumns) =>
      columnsOf(columns).reduce((sum, name) => sum + (columns[name] === 'number' ? NUMBER_KEY_BYTES : name === 'ik' ? MAX_IDENTIFIER_BYTES : MAX_NAME_BYTES), 0) +
      columnsOf(columns).length - 1;
    for (const [table, definition] of Object.entries(TABLES)) {
      expect(bytesOf(definition.key), table).toBeLessThanOrEqual(MAX_KEY_BYTES);
      for (const [name, index] of Object.entries(definition.indexes)) {
        // LMDB keeps a non-unique index entry under the index columns and the rest of the primary key.
        const entry = { ...index.columns, ...definition.key };
        expect(bytesOf('unique' in index && index.unique ? index.columns : entry), `${table}.${name}`).toBeLessThanOrEqual(MAX_KEY_BYTES);
      }
    }
  });

  it('matches what lmdb-js accepts: a key of MAX_KEY_BYTES is stored, one byte more is not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'temporal-db-keys-'));
    const db = open({ path: dir });
    try {
      const widest = ['a'.repeat(MAX_NAME_BYTES), Date.now(), 'b'.repeat(MAX_NAME_BYTES), 'c'.repeat(MAX_KEY_BYTES - 2 * MAX_NAME_BYTES - NUMBER_KEY_BYTES - 3)];
      db.putSync(widest, 1);
      expect(db.get(widest)).toBe(1);
      expect(() => db.putSync([...widest.slice(0, 3), (widest[3] as string) + 'd'], 1)).toThrow(/maximum key size \(1978\)/);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
