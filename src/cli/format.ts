import type { ChangeRecord, Specification } from '../index.js';

export const formatTime = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export function formatSpecification(spec: Specification): string {
  return [
    `${spec.identifier}  v${spec.version}  ${spec.specType}  ${spec.status}`,
    `Title:    ${spec.title}`,
    `Time:     ${formatTime(spec.timestamp)}${spec.author ? `  by ${spec.author}` : ''}`,
    ...(spec.tags.length ? [`Tags:     ${spec.tags.join(', ')}`] : []),
    `Hash:     ${spec.hash}`,
    '',
    spec.content,
  ].join('\n');
}

export function formatChange(change: ChangeRecord): string {
  const what =
    change.changeType === 'Decision' && change.decision
      ? `${change.decision.decisionPoint} = ${change.decision.selectedOption}${change.decision.confidence === undefined ? '' : ` (confidence ${change.decision.confidence})`}`
      : change.changeType === 'Update'
        ? `changed ${Object.keys(change.fieldChanges).join(', ') || 'nothing'}`
        : change.reason ?? '';
  return `${formatTime(change.timestamp)}  ${change.changeType.padEnd(8)} ${change.identifier} v${change.version}  ${what}${change.author ? `  (${change.author})` : ''}`;
}
