/** Small DOM helpers for the options page (text only: nothing from the background is parsed as HTML). */

/** The element with `id`; throws when the page lacks it (a broken page should fail loudly in tests). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`options page has no #${id}`);
  return element as T;
}

/** A new element with text content and optional class. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text = '', className?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

/** A table row of text cells. */
export function row(cells: readonly (HTMLElement | string)[]): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const cell of cells) tr.append(typeof cell === 'string' ? el('td', cell) : cell);
  return tr;
}

/** Sets a status line's text and state (`ok` / `error`). */
export function setStatus(element: HTMLElement, text: string, state: 'ok' | 'error' | 'busy'): void {
  element.textContent = text;
  element.dataset.state = state;
}
