/**
 * Key encoding shared by every backend.
 *
 * IndexedDB orders strings by UTF-16 code unit, LMDB (ordered-binary) by
 * UTF-8 byte. The two disagree exactly where astral characters (surrogate
 * pairs, U+D800..U+DFFF in UTF-16, 4-byte sequences in UTF-8) meet the
 * characters U+E000..U+FFFF, and ordered-binary also treats bytes below 28 as
 * control bytes inside array keys. So user strings that take part in key order
 * are rewritten into characters from U+0022..U+D7FF only, where both engines
 * agree, in a way that preserves UTF-16 order and can be reversed:
 *
 * - code units U+0000..U+0021 become `!` followed by one char in U+0040..U+0061;
 * - code units U+0022..U+D7FE are kept as they are;
 * - code units U+D7FF..U+FFFF (including both surrogate halves) become
 *   U+D7FF followed by two chars in U+0100..U+017F (the offset from U+D7FF, in 7-bit halves).
 *
 * Every encoded character is at least U+0021, above the 0x00 separator of
 * ordered-binary arrays, so a shorter key still sorts before a longer one.
 */
const LOW_ESCAPE = 0x21;
const LOW_BASE = 0x40;
const HIGH_ESCAPE = 0xd7ff;
const HIGH_BASE = 0x100;

export type KeyPart = string | number;
export type Key = readonly KeyPart[];

/** Sorts above every string the codec or a uuid can produce. */
export const MAX_KEY_STRING = '\ud7ff\ud7ff\ud7ff';
export const MIN_KEY_STRING = '';

export function encodeKeyString(value: string): string {
  let plain = true;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit <= LOW_ESCAPE || unit >= HIGH_ESCAPE) {
      plain = false;
      break;
    }
  }
  if (plain) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit <= LOW_ESCAPE) {
      out += '!' + String.fromCharCode(LOW_BASE + unit);
    } else if (unit >= HIGH_ESCAPE) {
      const offset = unit - HIGH_ESCAPE;
      out +=
        String.fromCharCode(HIGH_ESCAPE) +
        String.fromCharCode(HIGH_BASE + (offset >> 7)) +
        String.fromCharCode(HIGH_BASE + (offset & 0x7f));
    } else {
      out += value[i];
    }
  }
  return out;
}

export function decodeKeyString(encoded: string): string {
  let out = '';
  for (let i = 0; i < encoded.length; i++) {
    const unit = encoded.charCodeAt(i);
    if (unit === LOW_ESCAPE) {
      out += String.fromCharCode(encoded.charCodeAt(++i) - LOW_BASE);
    } else if (unit === HIGH_ESCAPE) {
      const high = encoded.charCodeAt(++i) - HIGH_BASE;
      const low = encoded.charCodeAt(++i) - HIGH_BASE;
      out += String.fromCharCode(HIGH_ESCAPE + (high << 7) + low);
    } else {
      out += encoded[i];
    }
  }
  return out;
}

/** UTF-16 code unit order, the order both engines give to encoded keys. */
export function compareKeyParts(a: KeyPart, b: KeyPart): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareKeys(a: Key, b: Key): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const order = compareKeyParts(a[i]!, b[i]!);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}
