import { v7 } from 'uuid';

// uuid's own v7 asks Web Crypto for 16 bytes per id, which dominates bulk
// writes; here random bytes come from a pool refilled 4 KB at a time, with
// the same monotonic sequence uuid keeps, so ids made in one millisecond
// still sort in the order they were made.
const pool = new Uint8Array(4096);
let offset = pool.length;
const state = { msecs: -Infinity, seq: 0 };

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
  return v7({ random, msecs: state.msecs, seq: state.seq });
}
