import type { FieldPath } from './errors.js';

/** A value that survives JSON, structured clone and msgpack unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface JsonProblem {
  path: FieldPath;
  message: string;
}

/**
 * Copies a JSON value, dropping object properties that are `undefined` (as
 * JSON.stringify does) so that both engines store the same thing, and
 * reporting the first thing that is not JSON with its path.
 */
export function toJsonValue(
  value: unknown,
  path: (string | number)[] = [],
): { ok: true; value: JsonValue } | { ok: false; problem: JsonProblem } {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return { ok: true, value };
    case 'number':
      return Number.isFinite(value)
        ? { ok: true, value }
        : { ok: false, problem: { path, message: `expected a finite number, received ${value}` } };
    case 'object': {
      if (value === null) return { ok: true, value: null };
      if (Array.isArray(value)) {
        const out: JsonValue[] = [];
        for (let i = 0; i < value.length; i++) {
          const item = toJsonValue(value[i], [...path, i]);
          if (!item.ok) return item;
          out.push(item.value);
        }
        return { ok: true, value: out };
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        const kind = (value as object).constructor?.name ?? 'object';
        return {
          ok: false,
          problem: { path, message: `expected a plain JSON value, received ${kind}` },
        };
      }
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value)) {
        if (item === undefined) continue;
        const converted = toJsonValue(item, [...path, key]);
        if (!converted.ok) return converted;
        out[key] = converted.value;
      }
      return { ok: true, value: out };
    }
    default:
      return { ok: false, problem: { path, message: `expected a JSON value, received ${typeof value}` } };
  }
}

/** Structural equality of two JSON values (object key order ignored). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  const keys = Object.keys(ao);
  return keys.length === Object.keys(bo).length && keys.every((k) => k in bo && jsonEqual(ao[k], bo[k]));
}
