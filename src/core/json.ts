import type { FieldPath } from './errors.js';

/** A value that survives JSON, structured clone and msgpack unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface JsonProblem {
  path: FieldPath;
  message: string;
}

/**
 * How deeply objects and arrays may nest inside one field (`metadata`,
 * `templateVariables`, `patternDefinition`, `examples`, `data`): the field's
 * own object or array is level 1. Deeper values would overflow the stack of
 * the engines' serializers (and of JSON tools reading an export).
 */
export const MAX_JSON_DEPTH = 64;

type Conversion = { ok: true; value: JsonValue } | { ok: false; problem: JsonProblem };

/**
 * Copies a JSON value, dropping object properties that are `undefined` (as
 * JSON.stringify does) so that both engines store the same thing, and
 * reporting the first thing that is not JSON with its path: a value that is
 * not plain data, a cycle, or nesting deeper than {@link MAX_JSON_DEPTH}.
 * `level` is how many objects and arrays of the field already enclose `value`.
 *
 * @example
 * toJsonValue({ a: undefined, b: [1] }); // { ok: true, value: { b: [1] } }
 */
export function toJsonValue(value: unknown, path: (string | number)[] = [], level = 0): Conversion {
  return convert(value, path, level, new Set());
}

// Recursion is bounded by MAX_JSON_DEPTH, checked before each step down, so it cannot overflow the stack.
function convert(value: unknown, path: (string | number)[], level: number, ancestors: Set<object>): Conversion {
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
      if (ancestors.has(value)) {
        return { ok: false, problem: { path, message: 'is a cycle: it contains itself, which JSON cannot hold' } };
      }
      if (level >= MAX_JSON_DEPTH) {
        return { ok: false, problem: { path, message: `nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep` } };
      }
      if (Array.isArray(value)) {
        ancestors.add(value);
        const out: JsonValue[] = [];
        for (let i = 0; i < value.length; i++) {
          const item = convert(value[i], [...path, i], level + 1, ancestors);
          if (!item.ok) return item;
          out.push(item.value);
        }
        ancestors.delete(value);
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
      ancestors.add(value);
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value)) {
        if (item === undefined) continue;
        // Assigned, it would set the copy's prototype and vanish; engines disagree on keeping it.
        if (key === '__proto__') return { ok: false, problem: { path: [...path, key], message: 'the key __proto__ is not allowed' } };
        const converted = convert(item, [...path, key], level + 1, ancestors);
        if (!converted.ok) return converted;
        out[key] = converted.value;
      }
      ancestors.delete(value);
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

/** `record` with the fields of `extra` that are defined (an optional field is absent, never `undefined`). */
export function withOptional<T extends object>(record: T, extra: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) (record as Record<string, unknown>)[key] = value;
  return record;
}
