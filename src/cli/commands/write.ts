import type { DecisionInput, SpecificationInput } from '../../core/types.js';
import { stringOption } from '../args.js';
import type { CommandRun } from '../commands.js';
import { readJsonInput } from '../input.js';
import { withStore } from '../store-access.js';

export const store: CommandRun = async ({ flags, storePath, out }) => {
  const input = await readJsonInput(stringOption(flags, 'file'), 'the specification');
  const stored = await withStore(storePath, 'create', (db) => db.storeSpecification(input as SpecificationInput));
  out.data(stored, () => `Stored ${stored.identifier} version ${stored.version}`);
};

export const decide: CommandRun = async ({ flags, storePath, out }) => {
  const spec = stringOption(flags, 'spec');
  const input = await readJsonInput(stringOption(flags, 'file'), 'the decision');
  // --spec names the specification as users know it; the API resolves identifiers and ids alike.
  const decision = spec !== undefined && typeof input === 'object' && input !== null ? { ...input, specId: spec } : input;
  const change = await withStore(storePath, 'create', (db) => db.recordDecision(decision as DecisionInput));
  out.data(change, () => `Recorded decision ${change.decision?.decisionPoint} = ${change.decision?.selectedOption} on ${change.identifier}`);
};

export const remove: CommandRun = async ({ args, flags, storePath, out }) => {
  const [identifier] = args as [string];
  const reason = stringOption(flags, 'reason');
  const author = stringOption(flags, 'author');
  const change = await withStore(storePath, 'existing', (db) =>
    db.deleteSpecification(identifier, { ...(reason !== undefined ? { reason } : {}), ...(author !== undefined ? { author } : {}) }),
  );
  out.data(change, () => `Deleted ${change.identifier} (version ${change.version}); its history is kept`);
};
