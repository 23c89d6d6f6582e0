// Two forms to try the store: a new version of a specification (any identifier: a new one starts at version 1) and
// a decision about the chosen one. Bad input comes back as a TemporalDbError with a code and the field's path. The views
// show what was written through their live queries (main.ts), so nothing here redraws them.
import { SPEC_STATUSES, SPEC_TYPES, isTemporalDbError, type SpecStatus, type SpecType } from 'temporal-db';
import type { AppContext, View } from './context.js';
import { h } from './dom.js';

const field = (label: string, control: HTMLElement) => h('label', { class: 'field' }, h('span', {}, label), control);

/** The message for a failed write: the library's code and offending field, or the error's message. */
function describe(error: unknown): string {
  if (isTemporalDbError(error)) return `${error.message} [${error.code}${error.path.length ? ` at ${error.path.join('.')}` : ''}]`;
  return error instanceof Error ? error.message : String(error);
}

export function formsView(app: AppContext): View {
  const identifier = h('input', { name: 'identifier', required: true, list: 'identifiers', autocomplete: 'off' });
  const identifiers = h('datalist', { id: 'identifiers' });
  const specType = h('select', { name: 'specType' }, ...SPEC_TYPES.map((type) => h('option', { value: type }, type)));
  const title = h('input', { name: 'title', required: true });
  const status = h('select', { name: 'status' }, ...SPEC_STATUSES.map((value) => h('option', { value }, value)));
  const author = h('input', { name: 'author', value: 'me' });
  const content = h('textarea', { name: 'content', rows: 8 });
  const versionForm = h(
    'form',
    { id: 'version-form', class: 'form' },
    h('h3', {}, 'Store a new version'),
    h('div', { class: 'row' }, field('Identifier', identifier), field('Type', specType), field('Status', status)),
    field('Title', title),
    field('Content', content),
    h('div', { class: 'row' }, field('Author', author), h('button', { type: 'submit', class: 'primary' }, 'Store version')),
    identifiers,
  );
  versionForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      try {
        const stored = await app.db.storeSpecification({
          specType: specType.value as SpecType,
          identifier: identifier.value.trim(),
          title: title.value,
          content: content.value,
          status: status.value as SpecStatus,
          ...(author.value.trim() ? { author: author.value.trim() } : {}),
        });
        edited = false;
        app.notify(`Stored ${stored.identifier} version ${stored.version}.`);
        app.select(stored.identifier);
      } catch (error) {
        app.notify(describe(error), 'error');
      }
    })();
  });

  const decisionPoint = h('input', { name: 'decisionPoint', required: true, placeholder: 'browser-storage', list: 'decision-points' });
  const decisionPoints = h('datalist', { id: 'decision-points' });
  const selectedOption = h('input', { name: 'selectedOption', required: true, placeholder: 'IndexedDB' });
  const context = h('input', { name: 'context', placeholder: 'why here' });
  const confidence = h('input', { name: 'confidence', type: 'number', min: 0, max: 1, step: 0.05, value: 0.8 });
  const about = h('strong', { id: 'decision-about' });
  const decisionForm = h(
    'form',
    { id: 'decision-form', class: 'form' },
    h('h3', {}, 'Record a decision about ', about),
    h('div', { class: 'row' }, field('Decision point', decisionPoint), field('Selected option', selectedOption)),
    h('div', { class: 'row' }, field('Context', context), field('Confidence', confidence), h('button', { type: 'submit', class: 'primary' }, 'Record decision')),
    decisionPoints,
  );
  decisionForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      try {
        if (!app.state.selected) throw new Error('Choose a specification first.');
        await app.db.recordDecision({
          specId: app.state.selected,
          decisionPoint: decisionPoint.value.trim(),
          selectedOption: selectedOption.value.trim(),
          context: context.value,
          author: author.value.trim() || 'me',
          ...(confidence.value === '' ? {} : { confidence: Number(confidence.value) }),
        });
        app.notify(`Recorded a decision at ${decisionPoint.value.trim()} about ${app.state.selected}.`);
      } catch (error) {
        app.notify(describe(error), 'error');
      }
    })();
  });

  const element = h('section', { class: 'panel forms-panel' }, h('h2', {}, 'Try it'), versionForm, decisionForm);
  // The version the form was filled from; edited: typed into since, so a new version (from another tab, say) does not
  // overwrite what the user is writing.
  let filledFrom: { identifier: string; version: number } | undefined;
  let edited = false;
  versionForm.addEventListener('input', () => (edited = true));

  const render = async () => {
    const [specs, analysis] = await Promise.all([app.db.listSpecifications(), app.db.analyzeDecisionPatterns(365)]);
    identifiers.replaceChildren(...specs.map((spec) => h('option', { value: spec.identifier })));
    decisionPoints.replaceChildren(...analysis.map((row) => h('option', { value: row.decisionPoint })));
    about.textContent = app.state.selected ?? '(none)';
    // Filled from the chosen specification's latest version: on a new choice, and on a new version while not edited.
    const latest = specs.find((spec) => spec.identifier === app.state.selected);
    if (!latest) return;
    const choice = latest.identifier !== filledFrom?.identifier;
    if (!choice && (edited || latest.version === filledFrom?.version)) return;
    filledFrom = { identifier: latest.identifier, version: latest.version };
    edited = false;
    identifier.value = latest.identifier;
    specType.value = latest.specType;
    title.value = latest.title;
    status.value = latest.status;
    content.value = latest.content;
  };
  return { element, render };
}
