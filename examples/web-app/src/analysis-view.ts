// `analyzeDecisionPatterns` over a chosen look-back window, drawn by chart.ts.
import { latestOnly, type AppContext, type View } from './context.js';
import { decisionChart } from './chart.js';
import { h } from './dom.js';

export function analysisView(app: AppContext): View {
  const lookback = h(
    'select',
    { id: 'lookback', 'aria-label': 'Look back', onchange: () => void render() },
    ...[30, 90, 365].map((days) => h('option', { value: days }, `last ${days} days`)),
  );
  const chart = h('div', { id: 'analysis-chart' });
  const element = h('section', { class: 'panel analysis-panel' }, h('div', { class: 'panel-head' }, h('h2', {}, 'Decision analysis'), lookback), chart);
  const render = latestOnly(async (isCurrent) => {
    const analysis = await app.db.analyzeDecisionPatterns(Number(lookback.value));
    if (isCurrent()) chart.replaceChildren(decisionChart(analysis));
  });
  return { element, render };
}
