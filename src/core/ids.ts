// uuid's own v7 asks Web Crypto for 16 bytes per id, which dominates bulk
// writes; here random bytes come from a pool refilled 4 KB at a time, with
// the same monotonic sequence and byte layout uuid keeps, so ids made in one
// millisecond still sort in the order they were made. Formatting the bytes here
// keeps the uuid package out of browser bundles.
const pool = new Uint8Array(4096);
let offset = pool.length;
const state = { msecs: -Infinity, seq: 0 };
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** A new uuid v7: time-ordered, and strictly increasing within this process. */
export function newId(): string {
  if (offset + 16 > pool.length) {
    globalThis.crypto.getRandomValues(pool);
    offset = 0;
  }
  const random = pool.subarray(offset, (offset += 16));
  const now = Date.now();
  if (now > state.msecs) {
    state.msecs = now;
    state.seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    state.seq = (state.seq + 1) | 0;
    if (state.seq === 0) state.msecs++;
  }
  const { msecs, seq } = state;
  // 48 bits of milliseconds, version 7, 12 bits of the sequence, variant 10, its other 18 bits, 42 random bits.
  const h = [
    msecs / 0x10000000000, msecs / 0x100000000, msecs / 0x1000000, msecs / 0x10000, msecs / 0x100, msecs,
    0x70 | (seq >>> 28), seq >>> 20, 0x80 | ((seq >>> 14) & 0x3f), seq >>> 6, (seq << 2) | (random[10]! & 0x03),
    random[11]!, random[12]!, random[13]!, random[14]!, random[15]!,
  ].map((byte) => HEX[byte & 0xff]!);
  return `${h[0]}${h[1]}${h[2]}${h[3]}-${h[4]}${h[5]}-${h[6]}${h[7]}-${h[8]}${h[9]}-${h[10]}${h[11]}${h[12]}${h[13]}${h[14]}${h[15]}`;
}

/**
 * Makes every later id of this process sort after `id`, a uuid v7 made
 * elsewhere (another replica, another process), by moving this process's
 * ids to the millisecond after it when they are not past it already: the
 * ids are the counter of the hybrid clock, so records of one millisecond are
 * ordered by id as they were made, received ones first. Other strings are
 * ignored.
 */
export function observeId(id: string): void {
  const msecs = /^[0-9a-f]{8}-[0-9a-f]{4}-7/.test(id) ? parseInt(id.slice(0, 8) + id.slice(9, 13), 16) : -Infinity;
  if (msecs >= state.msecs) state.msecs = msecs + 1;
}
