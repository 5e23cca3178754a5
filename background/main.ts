/**
 * Background entry point (Chrome service worker, Firefox background script): builds the state machines
 * and registers every listener synchronously at top level, so a woken service worker sees the event that
 * woke it. Nothing here holds state across a restart except storage.local (settings, providers, activity).
 */
import browser from 'webextension-polyfill';
import { SoftPivCard } from '../bridge/softcard/soft-piv-card.js';
import { IdbCardStore } from '../bridge/softcard/idb-store.js';
import { toHex } from '../src/bytes.js';
import { NATIVE_HOST_NAME } from '../src/extension-ids.js';
import { type Notice } from '../src/message-results.js';
import { type NoticeMessage, type StatementRegionMessage } from '../src/messages.js';
import { ActivityLog } from './activity.js';
import { AutoLogins } from './auto-login.js';
import { createCardQueue } from './card-queue.js';
import { type CardSource } from './card-source.js';
import { systemClock } from './clock.js';
import { ConsentPrompts } from './consent-prompt.js';
import { createDiscoveryFetcher } from './discovery-fetch.js';
import { createHandlers } from './handlers.js';
import { acceptKeepAlivePort } from './keepalive.js';
import { createBrowserStore } from './kv-store.js';
import { createNativeCardSource } from './native-card-source.js';
import { listenForNotificationClicks, type NotificationApi, notifyNewProvider, notifySettledLogin, notifySignedLogins } from './notifications.js';
import { type Caller } from './card-job.js';
import { authenticateMany, type ServiceLogin } from './op-batch-authenticate.js';
import { Enrollments } from './op-enroll.js';
import { openPivCardSession } from './piv-card-session.js';
import { PinCache } from './pin-cache.js';
import { PinPrompts } from './pin-prompt.js';
import { PromptWindows } from './prompt-windows.js';
import { ProviderRegistry } from './providers.js';
import { createRouter } from './router.js';
import { SettingsStore } from './settings.js';
import { createSoftwareCardSource } from './software-card-source.js';
import { TabOperations } from './tab-operations.js';
import { installTestHooks, simulatedUsb } from './test-hooks.js';
import { StatementGatherings } from './statement-gather.js';
import { installStatementTestHooks } from './statement-test-hooks.js';
import { createWebLocksReaderLock } from './web-locks-reader-lock.js';
import { createWebUsbCardSource, grantedUsbDevices } from './webusb-card-source.js';

const identity = { id: browser.runtime.id, origin: new URL(browser.runtime.getURL('')).origin };
const version = browser.runtime.getManifest().version;
const clock = systemClock;
const newId = (): string => toHex(crypto.getRandomValues(new Uint8Array(16)));
const store = createBrowserStore(browser.storage.local);

const pinCache = new PinCache(clock);
const settings = new SettingsStore(store, (changed) => {
  pinCache.setIdleMinutes(changed.pinCacheMinutes);
  // Another card source chosen: let the native host go (after the operation under way, if any).
  if (changed.cardSource !== 'native') native.release();
});
const windows = new PromptWindows({
  create: async (url) => {
    const created = await browser.windows.create({ url, type: 'popup', width: 440, height: 420, focused: true });
    if (created.id === undefined) throw new Error('the browser opened no window');
    return created.id;
  },
  remove: (windowId) => browser.windows.remove(windowId),
});
const pins = new PinPrompts(windows, (id) => browser.runtime.getURL(`pin.html?request=${id}`), newId);
const consents = new ConsentPrompts(windows, (id) => browser.runtime.getURL(`consent.html?request=${id}`), newId);
const notifications: NotificationApi = {
  create: (id, options) => browser.notifications.create(id, options),
  getMessage: (key, substitutions) => browser.i18n.getMessage(key, substitutions),
  iconUrl: browser.runtime.getURL('icons/icon-128.png'),
  language: browser.i18n.getUILanguage(),
  openOptionsPage: () => browser.runtime.openOptionsPage(),
  onClicked: (listener) => browser.notifications.onClicked.addListener(listener),
};
// Every automatic signature is told once settled: "logged you in" on the service's logged-in verdict, else
// "signed, but not logged in" (refused, qualify first, or no verdict: tab closed or navigated, a few seconds).
const activity = new ActivityLog(store, { onSettled: (entry, verdict) => notifySettledLogin(notifications, entry, verdict), clock });
const providers = new ProviderRegistry(store, createDiscoveryFetcher(), clock);
const tabs = new TabOperations(newId, () => clock.now());
// Automatic login: on for approved providers while the setting is on (issue 7 "Automatic login").
const autoLogins = new AutoLogins(
  async (origin) => (await settings.get()).autoLogin && (await providers.recognise(origin))?.status === 'approved',
  () => clock.now(),
);

// The software card keeps its state in IndexedDB, sealed under a non-extractable WebCrypto key.
const software = createSoftwareCardSource(() => SoftPivCard.create({ store: new IdbCardStore() }));
// TEST BUILD ONLY: the simulated CCID reader stands in for navigator.usb; esbuild deletes this in release builds.
const testUsb = KYOTSU_TEST_BUILD ? simulatedUsb() : null;
const webusb = createWebUsbCardSource(async () => (await settings.get()).usbDevice, testUsb ? testUsb.find : grantedUsbDevices);
// The native PC/SC host: one connectNative port while in use. Chrome says why a port closed in runtime.lastError.
const native = createNativeCardSource({
  connect: () => browser.runtime.connectNative(NATIVE_HOST_NAME),
  clock,
  client: { lastError: () => browser.runtime.lastError?.message },
});
const sources: Readonly<Record<CardSource['kind'], CardSource>> = { software, webusb, native };
for (const source of Object.values(sources)) source.onCardRemoved(() => pinCache.clear('card-removed'));

const card = {
  queue: createCardQueue(createWebLocksReaderLock(navigator.locks)),
  source: async () => sources[(await settings.get()).cardSource],
  openSession: openPivCardSession,
  clock,
  pinCache,
  pins,
  activity,
  appVersion: `https://kyotsu.dev/extension/${version}`,
};

function notify(tabId: number, notice: Notice): void {
  const message: NoticeMessage = { type: 'notice', notice };
  browser.tabs.sendMessage(tabId, message, { frameId: 0 }).catch((error: unknown) => console.debug('kyotsu: notice not delivered', error));
}

/** A statement region's result for the portal tab that asked (issue 8), as soon as it is known. */
function sendStatementRegion(tabId: number, gatherId: string, result: StatementRegionMessage['result']): void {
  const message: StatementRegionMessage = { type: 'statementRegion', gatherId, result };
  browser.tabs.sendMessage(tabId, message, { frameId: 0 }).catch((error: unknown) => console.debug('kyotsu: statement region not delivered', error));
}

const batchLogin = (caller: Caller, logins: readonly ServiceLogin[]) => authenticateMany(card, caller, logins);
// TEST BUILD ONLY: the statement benchmark switches to one signature per service; esbuild deletes this in release builds.
const statementLogin = KYOTSU_TEST_BUILD ? installStatementTestHooks(batchLogin) : batchLogin;

const route = createRouter(
  identity,
  createHandlers({
    card,
    enrollments: new Enrollments({ ...card, newId }),
    settings,
    activity,
    pins,
    consents,
    autoLogins,
    nativeHostStatus: async () => {
      const report = await native.status();
      return { ...report, readers: report.readers.map(({ name, card, busy }) => ({ name, card, busy })) };
    },
    providers,
    tabs,
    notify,
    extensionVersion: version,
    // The service worker's fetch carries and keeps each service's cookies (host permissions; see background/statement-http.ts).
    statements: new StatementGatherings({
      providers,
      consents,
      http: (url, init) => fetch(url, init),
      login: statementLogin,
      // A statement page's signature with no click: one notification naming its services.
      onAutomaticLogins: (logins) => notifySignedLogins(notifications, `kyotsu-login-${newId()}`, logins),
      clock,
      // Each service's answer to the token the background posted lands on that service's activity entry.
      activity,
    }),
    sendStatementRegion,
  }),
);

// Listeners: registered synchronously at top level so a woken service worker sees the first event.
browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => route(message, sender));
browser.runtime.onConnect.addListener((port) => void acceptKeepAlivePort(port, identity));
browser.tabs.onRemoved.addListener((tabId) => {
  tabs.tabRemoved(tabId);
  autoLogins.tabRemoved(tabId);
  activity.tabRemoved(tabId);
});
browser.windows.onRemoved.addListener((windowId) => windows.windowRemoved(windowId));
browser.webNavigation.onCommitted.addListener((details) => {
  if (details.frameId !== 0) return;
  // Chrome's documentId and documentLifecycle are absent in Firefox; a prerendered page replaces nothing yet.
  const { documentId, documentLifecycle } = details as { documentId?: string; documentLifecycle?: string };
  if (documentLifecycle === 'prerender') return;
  // The page that asked is gone: its card operations and statement gathering end (the one cleanup path of tab close).
  tabs.tabNavigated(details.tabId, { documentId: documentId ?? null, committedAt: details.timeStamp });
  autoLogins.tabRemoved(details.tabId); // a holder reports its outcome before it navigates; one that did not was interrupted
  activity.tabNavigated(details.tabId); // likewise the service's verdict: none now means none at all
  if (!/^https?:/.test(details.url)) return;
  const origin = new URL(details.url).origin;
  providers
    .recognise(origin)
    .then((provider) => {
      if (provider && provider.status === 'pending' && provider.firstSeen === provider.lastSeen) notifyNewProvider(notifications, provider);
    })
    .catch((error: unknown) => console.warn(`kyotsu: could not check ${origin} for kyotsu`, error));
});
listenForNotificationClicks(notifications);
void settings.get().then((current) => pinCache.setIdleMinutes(current.pinCacheMinutes));

if (KYOTSU_TEST_BUILD && testUsb) installTestHooks({ software, usb: testUsb });
