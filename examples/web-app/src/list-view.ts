// The current specifications, filtered by type, in identifier order.
import { SPEC_TYPES, type SpecType } from 'temporal-db';
import { latestOnly, type AppContext, type View } from './context.js';
import { formatDate, h } from './dom.js';

export function listView(app: AppContext): View {
  const filter = h(
    'select',
    {
      id: 'type-filter',
      'aria-label': 'Type',
      onchange: () => app.filter((filter.value || undefined) as SpecType | undefined),
    },
    h('option', { value: '' }, 'All types'),
    ...SPEC_TYPES.map((type) => h('option', { value: type }, type)),
  );
  const list = h('ul', { class: 'spec-list', id: 'spec-list' });
  const element = h('aside', { class: 'panel list-panel' }, h('div', { class: 'panel-head' }, h('h2', {}, 'Specifications'), filter), list);

  const render = latestOnly(async (isCurrent) => {
    const specs = await app.db.listSpecifications(app.state.specType ? { specType: app.state.specType } : {});
    if (!isCurrent()) return;
    list.replaceChildren(
      ...specs.map((spec) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              class: spec.identifier === app.state.selected ? 'spec selected' : 'spec',
              'data-identifier': spec.identifier,
              'data-version': spec.version,
              onclick: () => app.select(spec.identifier),
            },
            h('span', { class: 'spec-id' }, spec.identifier),
            h('span', { class: `badge ${spec.status}` }, spec.status),
            h('span', { class: 'spec-title' }, spec.title),
            h('span', { class: 'spec-meta' }, `v${spec.version} · ${formatDate(spec.timestamp)}`),
          ),
        ),
      ),
    );
    if (specs.length === 0) list.append(h('li', { class: 'empty' }, 'Nothing of this type yet.'));
  });
  return { element, render };
}
