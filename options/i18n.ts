/**
 * Localisation for the extension's pages: every user-visible string comes from `_locales` (en, ja) via
 * `i18n.getMessage`. Static text is marked in HTML with `data-i18n` (text content) or
 * `data-i18n-attr="attribute:key"` and filled in by `localize`.
 */
import browser from 'webextension-polyfill';

/** The message `key` with its placeholders filled; the key itself when the message is missing. */
export function t(key: string, ...substitutions: string[]): string {
  return browser.i18n.getMessage(key, substitutions) || key;
}

/** Fills every `data-i18n` / `data-i18n-attr` element under `root`, and sets the document language. */
export function localize(root: ParentNode = document): void {
  document.documentElement.lang = browser.i18n.getUILanguage().split('-')[0] ?? 'en';
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]')) element.textContent = t(element.dataset.i18n ?? '');
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n-attr]')) {
    const [attribute, key] = (element.dataset.i18nAttr ?? '').split(':');
    if (attribute && key) element.setAttribute(attribute, t(key));
  }
}

/** A person-readable message for an error code (`error_<CODE>` in _locales), falling back to `fallback`. */
export function errorText(code: string, fallback: string, details?: Readonly<Record<string, unknown>>): string {
  const retries = typeof details?.retriesLeft === 'number' ? String(details.retriesLeft) : '';
  return browser.i18n.getMessage(`error_${code}`, [retries]) || fallback;
}
