import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { openTemporalDb } from '../../src/memory.js';
import { exportLines } from '../../src/interchange.js';
import { inSchemaOrder } from '../../src/core/field-order.js';
import { arrayOf, recordOf } from '../../src/core/fields.js';
import { tombstoneRecord } from '../../src/core/records.js';
import { RECORD_SCHEMAS } from '../../src/core/interchange.js';
import { issueMessage } from '../../src/core/issue-message.js';
import { populateSample, SAMPLE_T0 } from '../contract/sample-store.js';

// An export lays each record out in its schema's order without parsing it again (field-order.ts):
// the layout must be exactly the one a parse gives, or replicas on different engines (or on this
// and the previous release) would write different lines for the same record.
const SCHEMAS: Record<string, z.ZodMiniType> = RECORD_SCHEMAS;

/** Every object's keys in reverse order, however deep: the worst order an engine could keep. */
const reversed = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(reversed)
    : typeof value === 'object' && value !== null
      ? Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reversed(item)]))
      : value;

describe('records in schema order', () => {
  it('lays out every kind of exported record as parsing it with its schema does', async () => {
    const db = await openTemporalDb();
    await populateSample(db);
    await db.storeDecisionPoint({
      identifier: 'ADR-001',
      decisionPoint: 'storage',
      context: 'where versions live',
      options: [
        { optionName: 'LMDB', description: 'memory-mapped', pros: ['fast'], cons: ['native'], selected: true, selectionRationale: 'reads' },
        { optionName: 'SQLite', selected: false },
      ],
      metadata: { b: 1, a: { d: 2, c: 3 } },
      timestamp: SAMPLE_T0,
    });
    const spec = await db.getLatestSpecification('ADR', 'ADR-001');
    for (let i = 1; i <= 4; i++) {
      await db.recordDecision({ specId: spec!.specId, decisionPoint: 'cache', selectedOption: 'redis', context: 'reads', author: 'ana', confidence: 0.9, timestamp: Date.now() - i * 86_400_000 });
    }
    const { recommendations } = await db.generateRecommendations();
    await db.recordRecommendationFeedback(recommendations[0]!.id, 'accept', 'worked');
    const seen = new Set<string>();
    let nestedReordered = 0;
    for await (const line of exportLines(db)) {
      const { table, record } = JSON.parse(line) as { table?: string; record?: Record<string, unknown> };
      if (!table) continue;
      seen.add(table);
      const schema = table === 'specifications' && 'deleted' in record! ? tombstoneRecord : SCHEMAS[table]!;
      const shuffled = reversed(record);
      const laidOut = JSON.stringify(inSchemaOrder(schema)(shuffled));
      expect(laidOut).toBe(JSON.stringify(schema.parse(shuffled, { error: issueMessage })));
      // The export's own line was already in schema order; JSON values inside keep the order given.
      if (JSON.stringify(reversed(JSON.parse(laidOut))) !== JSON.stringify(shuffled)) nestedReordered++;
    }
    expect([...seen].sort()).toEqual(Object.keys(SCHEMAS).sort());
    expect(nestedReordered).toBeGreaterThan(0);
    await db.close();
  });

  it('reorders the objects inside arrays and records, and leaves JSON values alone', () => {
    const item = z.object({ a: z.string(), b: z.optional(z.string()) });
    const schema = z.object({ list: arrayOf(item), map: recordOf(item), json: z.unknown(), last: z.optional(z.number()) });
    const value = { last: undefined, json: { z: 1, y: 2 }, map: { k: { b: 'x', a: 'y' } }, list: [{ b: 'x', a: 'y' }, { a: 'z' }] };
    expect(JSON.stringify(inSchemaOrder(schema)(value))).toBe(
      '{"list":[{"a":"y","b":"x"},{"a":"z"}],"map":{"k":{"a":"y","b":"x"}},"json":{"z":1,"y":2}}',
    );
  });
});
