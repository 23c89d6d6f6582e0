// The decision analysis as an SVG bar chart: one row per decision point, its bar split by option (how often each was
// selected), with a thin bar under it for the decisions taken with confidence above 0.7.
import type { DecisionPatternAnalysis } from 'temporal-db';
import { s } from './dom.js';

const COLORS = ['#2563eb', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#06b6d4'];
const WIDTH = 640;
const LABEL = 170;
const ROW = 58;
const BAR = 22;

/**
 * The chart for `analyzeDecisionPatterns`' answer.
 *
 * @example
 * container.append(decisionChart(await db.analyzeDecisionPatterns(30)));
 */
export function decisionChart(analysis: readonly DecisionPatternAnalysis[]): SVGElement {
  const height = Math.max(1, analysis.length) * ROW + 34;
  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: '100%', role: 'img', 'aria-label': 'Decisions per decision point', class: 'chart' });
  const max = Math.max(1, ...analysis.map((row) => row.totalDecisions));
  const scale = (WIDTH - LABEL - 60) / max;
  analysis.forEach((row, i) => {
    const y = 12 + i * ROW;
    const group = s('g', { class: 'chart-row', 'data-decision-point': row.decisionPoint, 'data-total': row.totalDecisions, 'data-selected': row.selectedCount });
    group.append(
      s('text', { x: 0, y: y + 15, class: 'chart-label' }, row.decisionPoint),
      s('text', { x: 0, y: y + 32, class: 'chart-sublabel' }, `${row.specType} · ${row.totalDecisions} decided · ${row.selectedCount} confident`),
    );
    let x = LABEL;
    // Options too narrow for their name inside the bar are named after the total.
    const outside: string[] = [];
    Object.entries(row.options)
      .sort(([, a], [, b]) => b - a)
      .forEach(([option, count], j) => {
        const width = count * scale;
        const segment = s('rect', { x, y, width: Math.max(0, width - 2), height: BAR, rx: 3, fill: COLORS[j % COLORS.length]!, class: 'chart-option', 'data-option': option, 'data-count': count });
        segment.append(s('title', {}, `${option}: ${count}`));
        group.append(segment);
        const label = `${option} ${count}`;
        if (width > label.length * 7 + 12) group.append(s('text', { x: x + 6, y: y + 15, class: 'chart-option-label' }, label));
        else outside.push(label);
        x += width;
      });
    group.append(
      s('rect', { x: LABEL, y: y + BAR + 4, width: row.totalDecisions * scale - 2, height: 5, rx: 2, class: 'chart-track' }),
      s('rect', { x: LABEL, y: y + BAR + 4, width: Math.max(0, row.selectedCount * scale - 2), height: 5, rx: 2, class: 'chart-confident' }),
      s('text', { x: LABEL + row.totalDecisions * scale + 6, y: y + 15, class: 'chart-total' }, String(row.totalDecisions), ...(outside.length ? [s('tspan', { class: 'chart-sublabel', dx: 8 }, outside.join(', '))] : [])),
    );
    svg.append(group);
  });
  if (analysis.length === 0) svg.append(s('text', { x: 0, y: 20, class: 'chart-sublabel' }, 'No decisions in this period.'));
  // The legend for the thin bar.
  const legendY = height - 12;
  svg.append(
    s('rect', { x: LABEL, y: legendY - 6, width: 18, height: 5, rx: 2, class: 'chart-confident' }),
    s('text', { x: LABEL + 24, y: legendY, class: 'chart-sublabel' }, 'taken with confidence above 0.7'),
  );
  return svg;
}
