// Two versions of the chosen specification side by side as a line diff (the older one's lines marked -, the newer's +).
import type { Specification } from 'temporal-db';
import { latestOnly, type AppContext, type View } from './context.js';
import { h } from './dom.js';
import { diffLines } from './line-diff.js';

export function diffView(app: AppContext): View {
  const from = h('select', { id: 'diff-from', 'aria-label': 'From version', onchange: () => void paint() });
  const to = h('select', { id: 'diff-to', 'aria-label': 'To version', onchange: () => void paint() });
  const output = h('div', { class: 'diff', id: 'diff' });
  const element = h(
    'section',
    { class: 'panel diff-panel' },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Diff'), h('label', {}, 'from ', from), h('label', {}, 'to ', to)),
    output,
  );
  let history: Specification[] = [];
  let shownFor: string | undefined;

  const paint = () => {
    const a = history.find((v) => v.version === Number(from.value));
    const b = history.find((v) => v.version === Number(to.value));
    if (!a || !b) {
      output.replaceChildren(h('p', { class: 'empty' }, history.length < 2 ? 'Only one version so far.' : 'Choose two versions.'));
      return;
    }
    const fields = (['title', 'status', 'author'] as const)
      .filter((field) => a[field] !== b[field])
      .map((field) => h('div', { class: 'diff-field' }, `${field}: `, h('del', {}, a[field] ?? '(none)'), ' → ', h('ins', {}, b[field] ?? '(none)')));
    const lines = diffLines(a.content, b.content);
    const changed = lines.filter((line) => line.op !== 'equal').length;
    output.replaceChildren(
      ...fields,
      h('div', { class: 'diff-summary' }, changed > 0 ? `${changed} line${changed === 1 ? '' : 's'} changed` : fields.length > 0 ? 'Content unchanged.' : 'No difference.'),
      h(
        'pre',
        { class: 'diff-lines' },
        ...lines.map((line) => h('div', { class: `diff-line ${line.op}` }, `${line.op === 'delete' ? '-' : line.op === 'insert' ? '+' : ' '} ${line.text}`)),
      ),
    );
  };

  const render = latestOnly(async (isCurrent) => {
    const identifier = app.state.selected;
    const read = identifier ? await app.db.getSpecificationHistory(identifier) : [];
    if (!isCurrent()) return;
    // A new specification, or the default pair (the last two versions), shows the last two versions after a refresh;
    // a pair the user chose stays.
    const lastBefore = history.at(-1)?.version ?? 0;
    const chosen = shownFor === identifier && !(from.value === String(Math.max(1, lastBefore - 1)) && to.value === String(lastBefore));
    const [fromBefore, toBefore] = [from.value, to.value];
    history = read;
    shownFor = identifier;
    const options = () => history.map((v) => h('option', { value: v.version }, `v${v.version} (${v.status})`));
    from.replaceChildren(...options());
    to.replaceChildren(...options());
    const last = history.at(-1)?.version ?? 0;
    from.value = chosen ? fromBefore : String(Math.max(1, last - 1));
    to.value = chosen ? toBefore : String(last);
    paint();
  });
  return { element, render };
}
