// A few lines instead of a framework: an element builder and the formatting the views share.

type Child = Node | string | number | false | null | undefined;
type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/**
 * Makes an element: `on*` attributes become listeners, `false`/`undefined` attributes are left out.
 *
 * @example
 * h('button', { class: 'primary', onclick: () => save() }, 'Save');
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== undefined) element.setAttribute(name, String(value));
  }
  element.append(...children.filter((child): child is Node | string | number => child !== false && child !== null && child !== undefined).map((c) => (typeof c === 'number' ? String(c) : c)));
  return element;
}

const SVG = 'http://www.w3.org/2000/svg';

/** The SVG counterpart of {@link h}. */
export function s(tag: string, attributes: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' });

/** An instant (ms) as "3 Feb 2026, 14:05". */
export const formatDateTime = (ms: number) => dateTime.format(ms);
/** An instant (ms) as "3 Feb 2026". */
export const formatDate = (ms: number) => date.format(ms);
