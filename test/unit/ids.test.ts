import { describe, expect, it } from 'vitest';
import { newId, observeId } from '../../src/core/ids.js';

describe('newId', () => {
  it('makes uuid v7 strings that strictly increase, even within one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, newId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('puts the current time in the first 48 bits', () => {
    const before = Date.now();
    const ms = parseInt(newId().replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now() + 1);
  });

  it('sorts every later id after an id it observed, even one made an hour ahead, and ignores other strings', () => {
    const ahead = (Date.now() + 3_600_000).toString(16).padStart(12, '0');
    for (const sequence of ['000-8000', 'fff-bfff', '800-8000']) {
      const received = `${ahead.slice(0, 8)}-${ahead.slice(8)}-7${sequence}-ffffffffffff`;
      observeId(received);
      const next = newId();
      expect(next > received, `${next} after ${received}`).toBe(true);
    }
    const before = newId();
    observeId('legacy-id-1');
    observeId('00000000-0000-7000-8000-000000000000');
    expect(newId() > before).toBe(true);
  });
});
