import type { FieldPath } from '../core/errors.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * The path to the first object or array of JSON `text` that is nested more
 * than `maxDepth` levels deep (the outermost value is level 1), or undefined.
 * It only counts brackets outside strings, before anything is parsed, so that
 * a body of a million `[` costs one pass and no stack. Malformed JSON is left
 * for `JSON.parse` to report.
 *
 * @example
 * firstTooDeep('{"a":[[1]]}', 2); // ['a', 0]
 */
export function firstTooDeep(text: string, maxDepth: number): FieldPath | undefined {
  // One segment per open container: the current index of an array, the current key of an object.
  const path: Array<string | number> = [];
  const isArray: boolean[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
      if (expectKey) {
        path[path.length - 1] = keyOf(text.slice(start, i + 1));
        expectKey = false;
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (isArray.length >= maxDepth) return [...path];
      isArray.push(c === OPEN_ARRAY);
      path.push(c === OPEN_ARRAY ? 0 : '');
      expectKey = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      isArray.pop();
      path.pop();
      expectKey = false;
    } else if (c === COMMA && isArray.length > 0) {
      if (isArray[isArray.length - 1]) (path[path.length - 1] as number)++;
      else expectKey = true;
    }
  }
  return undefined;
}

function keyOf(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted.slice(1, -1);
  }
}
