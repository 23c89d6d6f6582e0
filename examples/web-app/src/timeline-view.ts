// One specification's versions on a time axis, and a slider that picks an instant: the version shown is the one
// current at that instant, read with `getSpecification(identifier, { asOf })`, as a user of the library would.
import type { Specification } from 'temporal-db';
import { latestOnly, type AppContext, type View } from './context.js';
import { formatDate, formatDateTime, h } from './dom.js';

const MINUTE = 60_000;

export interface TimelineView extends View {
  /** Back to following the latest version (when another specification is chosen). */
  reset(): void;
}

export function timelineView(app: AppContext): TimelineView {
  const title = h('h2', { id: 'timeline-title' }, 'Timeline');
  const markers = h('div', { class: 'markers', id: 'timeline-markers' });
  const slider = h('input', { type: 'range', id: 'as-of', 'aria-label': 'As of', step: MINUTE });
  const instant = h('output', { id: 'as-of-instant', for: 'as-of' });
  const latestButton = h('button', { type: 'button', class: 'link', onclick: () => void showAt(undefined) }, 'latest');
  const shown = h('article', { class: 'version', id: 'version-shown' });
  const axisStart = h('span', {});
  const axisEnd = h('span', {});
  const axis = h('div', { class: 'axis' }, markers, slider, h('div', { class: 'axis-ends' }, axisStart, axisEnd));
  const element = h(
    'section',
    { class: 'panel timeline-panel' },
    title,
    axis,
    h('div', { class: 'as-of-line' }, h('span', {}, 'As of '), instant, ' · ', latestButton),
    shown,
  );

  let history: Specification[] = [];
  // undefined: follow the latest version (the slider at its right end, which moves on with time and new versions).
  let asOf: number | undefined;

  const paintVersion = latestOnly(async (isCurrent) => {
    const identifier = app.state.selected;
    if (!identifier || history.length === 0) return;
    const at = asOf ?? Number(slider.max);
    const version = await app.db.getSpecification(identifier, { asOf: at });
    if (!isCurrent()) return;
    instant.value = asOf === undefined ? `now (${formatDateTime(at)})` : formatDateTime(at);
    for (const marker of markers.children) marker.classList.toggle('current', Number((marker as HTMLElement).dataset.version) === version?.version);
    if (!version) {
      shown.replaceChildren(h('p', { class: 'empty' }, `${identifier} did not exist yet.`));
      return;
    }
    shown.dataset.version = String(version.version);
    shown.replaceChildren(
      h(
        'header',
        {},
        h('strong', { class: 'version-number' }, `Version ${version.version} of ${history.length}`),
        h('span', { class: `badge ${version.status}` }, version.status),
        h('span', { class: 'spec-meta' }, `${version.author ? `by ${version.author}, ` : ''}valid from ${formatDateTime(version.timestamp)}`),
      ),
      h('h3', {}, version.title),
      h('pre', { class: 'content' }, version.content),
    );
  });

  const showAt = (at: number | undefined) => {
    asOf = at;
    slider.value = String(at ?? slider.max);
    return paintVersion();
  };
  slider.addEventListener('input', () => {
    const value = Number(slider.value);
    void showAt(value >= Number(slider.max) ? undefined : value);
  });

  const render = latestOnly(async (isCurrent) => {
    const identifier = app.state.selected;
    if (!identifier) {
      title.textContent = 'Timeline';
      shown.replaceChildren(h('p', { class: 'empty' }, 'Choose a specification.'));
      return;
    }
    const read = await app.db.getSpecificationHistory(identifier);
    if (!isCurrent()) return;
    history = read;
    const latest = history.at(-1);
    title.textContent = latest ? `${identifier}: ${latest.title}` : identifier;
    if (!latest) return;
    // From a day before the first version to now (or the last version, if dated in the future); the span a whole
    // number of steps, so that the right end can be reached (a range input snaps to min + k * step).
    const max = Math.max(Date.now(), latest.timestamp);
    const min = max - Math.ceil((max - history[0]!.timestamp + 86_400_000) / MINUTE) * MINUTE;
    slider.min = String(min);
    slider.max = String(max);
    axisStart.textContent = formatDate(min);
    axisEnd.textContent = `today, ${formatDate(max)}`;
    // Versions close in time would hide each other: each one closer than a marker's width to the one before goes a
    // lane higher (the axis grows to fit).
    const width = markers.clientWidth || 600;
    let previous = -Infinity;
    let lane = 0;
    let lanes = 1;
    markers.replaceChildren(
      ...history.map((version) => {
        const left = (version.timestamp - min) / (max - min);
        lane = (left - previous) * width < 34 ? lane + 1 : 0;
        previous = left;
        lanes = Math.max(lanes, lane + 1);
        return h(
          'button',
          {
            type: 'button',
            class: 'marker',
            title: `Version ${version.version}: ${formatDateTime(version.timestamp)}`,
            style: `left: ${left * 100}%; --lane: ${lane}`,
            'data-version': version.version,
            'data-timestamp': version.timestamp,
            onclick: () => void showAt(version === latest ? undefined : version.timestamp),
          },
          `v${version.version}`,
        );
      }),
    );
    axis.style.setProperty('--lanes', String(lanes));
    if (asOf !== undefined && (asOf < min || asOf > max)) asOf = undefined;
    await showAt(asOf);
  });

  return {
    element,
    render,
    reset: () => {
      asOf = undefined;
    },
  };
}
