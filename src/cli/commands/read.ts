import { TemporalDbError } from '../../core/errors.js';
import { CHANGE_TYPES, SPEC_TYPES } from '../../core/types.js';
import { choiceOption, countOption, instantOption, positiveOption, stringOption } from '../args.js';
import { usageError } from '../cli-error.js';
import type { CommandRun } from '../commands.js';
import { formatChange, formatSpecification, formatTime } from '../format.js';
import { withStore } from '../store-access.js';

export const show: CommandRun = async ({ args, flags, storePath, out }) => {
  const [identifier] = args as [string];
  const version = countOption(flags, 'version');
  const asOf = instantOption(flags, 'as-of');
  if (version !== undefined && asOf !== undefined) throw usageError('give --version or --as-of, not both');
  const spec = await withStore(storePath, 'existing', (db) =>
    db.getSpecification(identifier, version !== undefined ? { version } : asOf !== undefined ? { asOf } : {}),
  );
  if (!spec) {
    const which = asOf !== undefined ? `as of ${formatTime(asOf)}` : version !== undefined ? `numbered ${version}` : 'exists (or it is deleted)';
    throw new TemporalDbError('NOT_FOUND', `No version of "${identifier}" ${which}; try: temporal-db history ${identifier}`, { path: ['identifier'] });
  }
  out.data(spec, () => formatSpecification(spec));
};

export const history: CommandRun = async ({ args, storePath, out }) => {
  const [identifier] = args as [string];
  const versions = await withStore(storePath, 'existing', (db) => db.getSpecificationHistory(identifier));
  out.data(versions, () =>
    versions.length === 0
      ? `No versions of "${identifier}"`
      : versions.map((v) => `v${v.version}  ${formatTime(v.timestamp)}  ${v.status.padEnd(10)} ${v.title}${v.author ? `  (${v.author})` : ''}`).join('\n'),
  );
};

export const list: CommandRun = async ({ flags, storePath, out }) => {
  const specType = choiceOption(flags, 'type', SPEC_TYPES);
  const asOf = instantOption(flags, 'as-of');
  const specs = await withStore(storePath, 'existing', (db) =>
    db.listSpecifications({ ...(specType ? { specType } : {}), ...(asOf !== undefined ? { asOf } : {}) }),
  );
  out.data(specs, () => {
    if (specs.length === 0) return 'No specifications';
    const width = Math.max(...specs.map((s) => s.identifier.length));
    return specs
      .map((s) => `${s.identifier.padEnd(width)}  v${String(s.version).padEnd(3)} ${s.specType.padEnd(4)} ${s.status.padEnd(10)} ${formatTime(s.timestamp)}  ${s.title}`)
      .join('\n');
  });
};

export const changes: CommandRun = async ({ flags, storePath, out }) => {
  const spec = stringOption(flags, 'spec');
  const changeType = choiceOption(flags, 'type', CHANGE_TYPES);
  const since = instantOption(flags, 'since');
  const until = instantOption(flags, 'until');
  const limit = countOption(flags, 'limit');
  const query = {
    ...(spec !== undefined ? { specId: spec } : {}),
    ...(changeType ? { changeType } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(limit !== undefined ? { limit } : {}),
  };
  const found = await withStore(storePath, 'existing', (db) => db.getChanges(query));
  out.data(found, () => (found.length === 0 ? 'No changes' : found.map(formatChange).join('\n')));
};

export const analyze: CommandRun = async ({ flags, storePath, out }) => {
  const days = positiveOption(flags, 'lookback') ?? 30;
  const analysis = await withStore(storePath, 'existing', (db) => db.analyzeDecisionPatterns(days));
  out.data(analysis, () =>
    analysis.length === 0
      ? `No decisions in the last ${days} days`
      : analysis
          .map((a) => `${a.decisionPoint} (${a.specType}): ${a.totalDecisions} decisions, ${a.selectedCount} with confidence > 0.7; ${JSON.stringify(a.options)}`)
          .join('\n'),
  );
};
