/**
 * Browser notifications of the background: after each automatic login (the holder did not click, so they
 * are told), and when a new participating service is seen (it waits for the holder's approval). Clicking
 * a notification opens the options page. Texts come from `_locales`.
 *
 * Every signature the card makes with no click is told, whatever the service then does with the token:
 * "kyotsu logged you in to X" when X said so, else "kyotsu signed a login for X with your card, but …" —
 * so a service that refuses, answers slowly or navigates away cannot hide that the card signed.
 *
 * The browser is reached through {@link NotificationApi} (`browser.notifications`, `i18n`, `runtime` in the
 * extension: background/main.ts), so tests give a fake and read what would be shown.
 */
import { type ActivityEntry, type ServiceVerdict } from '../src/message-results.js';
import { type ProviderRecord } from './providers.js';

/** The parts of the browser the notifications use. */
export interface NotificationApi {
  /** `browser.notifications.create`: a notification with this id replaces one of the same id. */
  create(id: string, options: { type: 'basic'; iconUrl: string; title: string; message: string }): Promise<unknown>;
  /** `browser.i18n.getMessage`. */
  getMessage(key: string, substitutions?: string[]): string;
  /** The notification icon (`runtime.getURL`). */
  readonly iconUrl: string;
  /** The browser's UI language (`i18n.getUILanguage()`), for "A, B and C" in its own words. */
  readonly language: string;
  /** Opens the options page (`runtime.openOptionsPage`). */
  openOptionsPage(): Promise<void>;
  /** `notifications.onClicked.addListener`. */
  onClicked(listener: (id: string) => void): void;
}

/**
 * What became of one automatic signature: the service logged the holder in; it refused the token or asked
 * to register the certificate first; or no verdict came (tab closed or navigated away, no answer in time).
 */
export type SignedLoginOutcome = 'logged-in' | 'not-logged-in' | 'unconfirmed';

/** One automatic signature, named for the holder. */
export interface SignedLogin {
  readonly service: string;
  readonly outcome: SignedLoginOutcome;
}

function show(api: NotificationApi, id: string, title: string, message: string): void {
  api.create(id, { type: 'basic', iconUrl: api.iconUrl, title, message }).catch((error: unknown) => console.warn('kyotsu: notification not shown', error));
}

/** "Bank A", "Bank A and Bank B", … in the browser's language. */
function names(api: NotificationApi, services: readonly string[]): string {
  try {
    return new Intl.ListFormat(api.language, { type: 'conjunction' }).format(services);
  } catch (error) {
    if (error instanceof RangeError) return services.join(', '); // a language tag Intl does not know
    throw error;
  }
}

/** The outcome of a signature from the service's verdict, or null when none came. */
export function outcomeOf(verdict: ServiceVerdict | null): SignedLoginOutcome {
  if (verdict === null) return 'unconfirmed';
  return verdict.outcome === 'logged-in' ? 'logged-in' : 'not-logged-in';
}

/**
 * ONE notification for the automatic signature(s) of one card operation (one service, or the services of a
 * statement page's batch login): who logged the holder in, and for whom the card signed without a login.
 * Nothing is shown for an empty list.
 */
export function notifySignedLogins(api: NotificationApi, id: string, logins: readonly SignedLogin[]): void {
  const of = (outcome: SignedLoginOutcome) => [...new Set(logins.filter((l) => l.outcome === outcome).map((l) => l.service))];
  const loggedIn = of('logged-in');
  const refused = of('not-logged-in');
  const unconfirmed = of('unconfirmed');
  if (loggedIn.length + refused.length + unconfirmed.length === 0) return;
  const lines: string[] = [];
  if (loggedIn.length > 0) lines.push(api.getMessage('notifyLoginMessage', [names(api, loggedIn)]));
  if (refused.length > 0) lines.push(api.getMessage('notifySignedRefusedMessage', [names(api, refused)]));
  if (unconfirmed.length > 0) lines.push(api.getMessage('notifySignedUnconfirmedMessage', [names(api, unconfirmed)]));
  const title = loggedIn.length > 0 ? api.getMessage('notifyLoginTitle') : api.getMessage('notifySignedTitle');
  show(api, id, title, lines.join('\n'));
}

/**
 * Tells the holder what became of an automatic login at one service, once its signature is settled
 * (background/activity.ts `onSettled`: the verdict, or null when none came). The holder's own clicks and
 * anything but a successful signature are not notified.
 */
export function notifySettledLogin(api: NotificationApi, entry: ActivityEntry, verdict: ServiceVerdict | null): void {
  if (!entry.automatic || entry.result !== 'ok' || entry.operation !== 'authenticate') return;
  const service = entry.service ?? entry.origin ?? '';
  notifySignedLogins(api, `kyotsu-login-${entry.id ?? entry.time}`, [{ service, outcome: outcomeOf(verdict) }]);
}

/** Tells the holder about a newly seen participating service waiting for approval. */
export function notifyNewProvider(api: NotificationApi, provider: ProviderRecord): void {
  show(
    api,
    `kyotsu-provider-${provider.origin}`,
    api.getMessage('notifyProviderTitle'),
    api.getMessage('notifyProviderMessage', [provider.document.displayName, provider.origin]),
  );
}

/** Opens the options page when a kyotsu notification is clicked. */
export function listenForNotificationClicks(api: NotificationApi): void {
  api.onClicked((id) => {
    if (id.startsWith('kyotsu-')) api.openOptionsPage().catch((error: unknown) => console.warn('kyotsu: options page not opened', error));
  });
}
