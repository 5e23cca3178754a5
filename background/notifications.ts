/**
 * Browser notifications of the background: after each automatic login (the holder did not click, so they
 * are told), and when a new participating service is seen (it waits for the holder's approval). Clicking
 * a notification opens the options page. Texts come from `_locales`.
 */
import browser from 'webextension-polyfill';
import { type ActivityEntry } from '../src/message-results.js';
import { type ProviderRecord } from './providers.js';

function show(id: string, title: string, message: string): void {
  browser.notifications
    .create(id, { type: 'basic', iconUrl: browser.runtime.getURL('icons/icon-128.png'), title, message })
    .catch((error: unknown) => console.warn('kyotsu: notification not shown', error));
}

/** Tells the holder that kyotsu logged them in without a click. */
export function notifyActivity(entry: ActivityEntry): void {
  if (!entry.automatic || entry.result !== 'ok' || entry.operation !== 'authenticate') return;
  const service = entry.service ?? entry.origin ?? '';
  show(`kyotsu-login-${entry.time}`, browser.i18n.getMessage('notifyLoginTitle'), browser.i18n.getMessage('notifyLoginMessage', [service]));
}

/** Tells the holder about a newly seen participating service waiting for approval. */
export function notifyNewProvider(provider: ProviderRecord): void {
  show(
    `kyotsu-provider-${provider.origin}`,
    browser.i18n.getMessage('notifyProviderTitle'),
    browser.i18n.getMessage('notifyProviderMessage', [provider.document.displayName, provider.origin]),
  );
}

/** Opens the options page when a kyotsu notification is clicked. */
export function listenForNotificationClicks(): void {
  browser.notifications.onClicked.addListener((id) => {
    if (id.startsWith('kyotsu-')) void browser.runtime.openOptionsPage();
  });
}
