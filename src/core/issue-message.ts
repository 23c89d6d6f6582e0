import type * as z from 'zod/mini';

// zod/mini loads no locale, and configuring one is global (it would also change the
// messages of an application's own zod schemas). Each parse passes this map instead:
// the English wording zod's `en` locale gives, for the issues our schemas can raise. Length and
// pattern checks and number bounds are refines with their own messages (fields.ts).

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'object' && Object.getPrototypeOf(value) !== Object.prototype) {
    return (value as { constructor?: { name?: string } }).constructor?.name || 'object';
  }
  return typeof value;
}

const show = (value: unknown) => (typeof value === 'string' ? `"${value}"` : String(value));

/**
 * The message of a zod issue that carries none of its own.
 * @example schema.safeParse(value, { error: issueMessage })
 */
export function issueMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `Invalid input: expected ${issue.expected}, received ${typeName(issue.input)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `Invalid input: expected ${show(issue.values[0])}`
        : `Invalid option: expected one of ${issue.values.map(show).join('|')}`;
    case 'unrecognized_keys':
      return `Unrecognized key${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.map(show).join(', ')}`;
    default:
      return 'Invalid input';
  }
}
