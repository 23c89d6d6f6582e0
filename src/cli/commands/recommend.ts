import { choiceOption, countOption, positiveOption, rangeOption, stringOption } from '../args.js';
import { usageError } from '../cli-error.js';
import type { CommandRun } from '../commands.js';
import { withStore } from '../store-access.js';

export const recommend: CommandRun = async ({ flags, storePath, out }) => {
  const action = choiceOption(flags, 'feedback-action', ['accept', 'dismiss'] as const);
  const id = stringOption(flags, 'feedback-id');
  if ((action === undefined) !== (id === undefined)) throw usageError('--feedback-action and --feedback-id go together');
  const reason = stringOption(flags, 'feedback-reason');
  const minimum = rangeOption(flags, 'min-confidence', 0, 1);
  const options = {
    lookbackDays: positiveOption(flags, 'lookback') ?? 45,
    retentionDays: positiveOption(flags, 'retention') ?? 90,
    maxRecommendations: countOption(flags, 'max-recommendations') ?? 5,
    dryRun: flags['dry-run'] === true,
    ...(minimum !== undefined ? { minimumConfidence: minimum } : {}),
  };
  const limit = countOption(flags, 'limit') ?? 10;
  const result = await withStore(storePath, 'existing', async (db) => {
    const feedback = action && id ? await db.recordRecommendationFeedback(id, action, reason) : null;
    const generated = await db.generateRecommendations(options);
    const existing = await db.getPatternRecommendations({ limit });
    return { generated: generated.recommendations, existing, retentionDeleted: generated.retentionDeleted, feedback };
  });
  // Always JSON: this is the interface the original export_recommendations.py offered.
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  out.note(`${result.generated.length} recommendations${options.dryRun ? ' (dry run, nothing stored)' : ''}`);
};
