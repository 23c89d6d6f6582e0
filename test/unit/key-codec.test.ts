import { describe, expect, it } from 'vitest';
import { compareKeys, decodeKeyString, encodeKeyString, MAX_KEY_STRING } from '../../src/core/key-codec.js';

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

// Code units from every region where UTF-8 and UTF-16 order could disagree, plus whole astral characters.
const POOLS = [
  () => 0x00,
  () => 0x1f,
  () => 0x21,
  () => 0x22,
  () => 0x41,
  () => 0x7f,
  () => 0x80,
  () => 0x7ff,
  () => 0xd7fe,
  () => 0xd7ff,
  () => 0xe000,
  () => 0xfb01,
  () => 0xffff,
];

function randomString(next: () => number): string {
  const length = Math.floor(next() * 6);
  let out = '';
  for (let i = 0; i < length; i++) {
    if (next() < 0.25) out += String.fromCodePoint(0x10000 + Math.floor(next() * 0xfffff));
    else out += String.fromCharCode(POOLS[Math.floor(next() * POOLS.length)]!() + (next() < 0.3 ? 1 : 0));
  }
  return out;
}

const utf16 = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const utf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('key string codec', () => {
  it('round-trips every string', () => {
    const next = random(7);
    for (let i = 0; i < 5000; i++) {
      const value = randomString(next).toWellFormed();
      expect(decodeKeyString(encodeKeyString(value))).toBe(value);
    }
  });

  it('makes UTF-8 byte order of encoded keys equal to UTF-16 order of the originals', () => {
    const next = random(42);
    const values = Array.from({ length: 3000 }, () => randomString(next).toWellFormed());
    let disagreementsWithoutCodec = 0;
    for (let i = 0; i + 1 < values.length; i++) {
      const [a, b] = [values[i]!, values[i + 1]!];
      expect(Math.sign(utf8(encodeKeyString(a), encodeKeyString(b)))).toBe(utf16(a, b));
      expect(Math.sign(utf16(encodeKeyString(a), encodeKeyString(b)))).toBe(utf16(a, b));
      if (Math.sign(utf8(a, b)) !== utf16(a, b)) disagreementsWithoutCodec++;
    }
    // The corpus really exercises the case the codec exists for.
    expect(disagreementsWithoutCodec).toBeGreaterThan(10);
  });

  it('keeps plain identifiers unchanged and stays below the range sentinel', () => {
    expect(encodeKeyString('ADR-001')).toBe('ADR-001');
    expect(encodeKeyString('a:b c')).not.toBe('a:b c');
    for (const value of ['\uffff\uffff', '😀', '\ud7ff', 'zzz']) {
      expect(encodeKeyString(value) < MAX_KEY_STRING).toBe(true);
      expect([...encodeKeyString(value)].every((ch) => ch.charCodeAt(0) >= 0x21)).toBe(true);
    }
  });

  it('orders array keys part by part, numbers before strings, shorter first', () => {
    expect(compareKeys(['a', 1], ['a', 2])).toBeLessThan(0);
    expect(compareKeys(['a', 10], ['b', 1])).toBeLessThan(0);
    expect(compareKeys([1], ['1'])).toBeLessThan(0);
    expect(compareKeys(['a'], ['a', 0])).toBeLessThan(0);
    expect(compareKeys(['a', 1], ['a', 1])).toBe(0);
  });
});
