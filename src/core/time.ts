/** The latest instant a JavaScript Date can hold, in ms. */
const MAX_INSTANT = 8.64e15;

export const DAY_MS = 86_400_000;

/** A source of "now" in ms since epoch; injectable so tests and importers control time. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/**
 * Converts an instant to integer milliseconds, or returns a reason it is not one.
 * Strings must be ISO 8601 with a date; numbers must be whole milliseconds.
 */
export function toMillis(value: unknown): number | string {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return `expected whole milliseconds since epoch, received ${value}`;
    if (Math.abs(value) > MAX_INSTANT) return `expected an instant within the Date range, received ${value}`;
    return value;
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? 'expected a valid Date, received Invalid Date' : ms;
  }
  if (typeof value === 'string') {
    if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return `expected an ISO 8601 date, received "${value}"`;
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? `expected an ISO 8601 date, received "${value}"` : ms;
  }
  return `expected milliseconds, a Date or an ISO 8601 string, received ${value === null ? 'null' : typeof value}`;
}
