import type * as z from 'zod/mini';

// An export writes every record with its fields in its schema's order, whatever order the engine
// kept them in, so that replicas on different engines write identical lines. Parsing each record
// again with its schema gives that order too, but costs a quarter of an export's time for checks
// the record passed when it was stored.

/** The item schema of each arrayOf/recordOf (fields.ts): a transform, which zod cannot see into. */
export const ITEMS = new WeakMap<object, z.ZodMiniType>();

type Reorder = (value: unknown) => unknown;
const same: Reorder = (value) => value;

/**
 * The function that lays out a value `schema` accepted with the fields of
 * each object the schema describes in the schema's order (absent and
 * `undefined` fields left out, as a parse leaves them); JSON values and
 * leaves come back as they are.
 *
 * @example
 * inSchemaOrder(z.object({ a: z.string(), b: z.string() }))({ b: '2', a: '1' }); // { a: '1', b: '2' }
 */
export function inSchemaOrder(schema: z.ZodMiniType): Reorder {
  const def = schema._zod.def as { type: string; shape?: Record<string, z.ZodMiniType>; innerType?: z.ZodMiniType };
  if (def.shape) {
    const fields = Object.entries(def.shape).map(([name, field]) => [name, inSchemaOrder(field)] as const);
    return (value) => {
      const from = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, reorder] of fields) if (from[name] !== undefined) out[name] = reorder(from[name]);
      return out;
    };
  }
  if (def.innerType) return inSchemaOrder(def.innerType);
  const item = ITEMS.get(schema);
  const reorder = item && inSchemaOrder(item);
  if (!reorder || reorder === same) return same;
  return (value) =>
    Array.isArray(value)
      ? value.map(reorder)
      : Object.fromEntries(Object.entries(value as object).map(([key, entry]) => [key, reorder(entry)]));
}
