import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { number, oneOf } from '../../src/core/fields.js';
import { issueMessage } from '../../src/core/issue-message.js';

// fields.ts stands in for z.enum and z.number (one zod schema class less each in the browser
// bundle): what they accept, what they give back, and each issue's path and message must be zod's.
const outcome = (schema: z.ZodMiniType, value: unknown) => {
  const result = schema.safeParse(value, { error: issueMessage });
  return result.success ? { data: result.data } : { issues: result.error.issues.map(({ path, message }) => ({ path, message })) };
};

const VALUES = ['ADR', 'PRD'] as const;
const inputs: unknown[] = ['ADR', 'PRD', 'adr', '', 0, 1.5, -0, NaN, Infinity, -Infinity, null, undefined, true, [], {}, ['ADR'], new Date(0), 10n];

describe('the fields that stand in for zod schemas', () => {
  it('oneOf is z.enum: alone, as a required key, as an optional key, with one value', () => {
    const pairs: Array<[z.ZodMiniType, z.ZodMiniType]> = [
      [oneOf(VALUES), z.enum(VALUES)],
      [z.object({ type: oneOf(VALUES) }), z.object({ type: z.enum(VALUES) })],
      [z.object({ type: z.optional(oneOf(VALUES)) }), z.object({ type: z.optional(z.enum(VALUES)) })],
      [oneOf(['only']), z.enum(['only'])],
    ];
    for (const [ours, zods] of pairs) {
      for (const input of inputs) {
        for (const value of [input, { type: input }, {}]) expect(outcome(ours, value), String(input)).toEqual(outcome(zods, value));
      }
    }
  });

  it('number is z.number: alone, as a required key, as an optional key', () => {
    const pairs: Array<[z.ZodMiniType, z.ZodMiniType]> = [
      [number, z.number()],
      [z.object({ n: number }), z.object({ n: z.number() })],
      [z.object({ n: z.optional(number) }), z.object({ n: z.optional(z.number()) })],
    ];
    for (const [ours, zods] of pairs) {
      for (const input of inputs) {
        for (const value of [input, { n: input }, {}]) expect(outcome(ours, value), String(input)).toEqual(outcome(zods, value));
      }
    }
  });
});
