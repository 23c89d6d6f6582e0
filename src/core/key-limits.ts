/**
 * How long the strings that become parts of keys may be.
 *
 * lmdb-js refuses keys longer than 1978 bytes (its default `maxKeySize`),
 * and a key is its parts in ordered-binary form: each string as the UTF-8 of
 * its key encoding (see key-codec.ts), each number in 9 bytes, one separator
 * byte between parts. IndexedDB has no such limit, but the same rule holds on
 * every engine so that a store can always be exported from one engine and
 * imported into another.
 *
 * Rather than measuring whole keys, every string that can take part in a key
 * gets a budget, chosen so that the widest key of any table (three strings
 * and a number, in `decisionPoints`) stays below the limit. The budgets are
 * checked where input is validated, so the error names the field.
 */
export const MAX_KEY_BYTES = 1978;

/** A specification's identifier, and a reference that may be one. */
export const MAX_IDENTIFIER_BYTES = 1024;

/** Every other string in a key: specIds, record ids, decision point names, imported record kinds. */
export const MAX_NAME_BYTES = 512;

/** Bytes of a number in an ordered-binary key. */
export const NUMBER_KEY_BYTES = 9;

/**
 * Bytes `value` takes in a key once encoded: characters up to `!` count 2,
 * other ASCII 1, then 2 or 3 as in UTF-8, and each UTF-16 code unit from
 * U+D7FF up (so each half of an emoji) 7. Never less than 1 (an empty string
 * is one marker byte).
 *
 * @example
 * keyStringBytes('ADR-001'); // 7
 * keyStringBytes('ADR 001'); // 8: the space is escaped
 */
export function keyStringBytes(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    bytes += unit <= 0x21 ? 2 : unit < 0x80 ? 1 : unit < 0x800 ? 2 : unit < 0xd7ff ? 3 : 7;
  }
  return Math.max(bytes, 1);
}

/** Why `value` cannot be a key part with a budget of `limit` bytes, or `undefined` when it can. */
export function keyStringProblem(value: string, limit: number): string | undefined {
  // Every unit takes at least one byte and at most seven: most strings need no count.
  if (value.length * 7 <= limit) return undefined;
  const bytes = value.length > limit ? limit + 1 : keyStringBytes(value);
  if (bytes <= limit) return undefined;
  return `must be at most ${limit} bytes as a key, got ${value.length > limit ? `more than ${limit}` : bytes}`;
}
