/**
 * A holder's steps at the REAL participating services (server/services) in Firefox ESR (puppeteer-core over
 * WebDriver BiDi) with the software card inside the extension: the account page's "Get your common
 * certificate", qualifying (card → password → confirm), the options page, the test build's background hooks,
 * and the browser's cookie jar.
 *
 * WebDriver BiDi may not navigate to a moz-extension:// address itself, so the options page is opened once
 * from a window the extension opened (`runtime.openOptionsPage()`) and kept open: the test reaches the
 * background through it (`runtime.getBackgroundPage()`, Firefox runs the background as an event page).
 */
import assert from 'node:assert/strict';
import { type Cookie, type Page } from 'puppeteer-core';
import { type KyotsuTestHooks } from '../../background/test-hooks.js';
import { type ActivityEntry } from '../../src/message-results.js';
import { type FirefoxWithExtension } from './firefox.js';
import { clickClosing, extensionWindow } from './firefox-pages.js';
import { allowFirefox, enterPinFirefox, loggedInFirefox, openServicePageFirefox, passwordLoginFirefox } from './native-bank-firefox.js';

/** Opens the options page from an extension window (`from`) and returns it once it reached the background. */
export async function openOptionsFirefox(firefox: FirefoxWithExtension, from: Page): Promise<Page> {
  await from.evaluate(() => (globalThis as unknown as { browser: { runtime: { openOptionsPage(): Promise<void> } } }).browser.runtime.openOptionsPage());
  const options = await extensionWindow(firefox, '/options.html');
  await options.waitForSelector('#background-status[data-state="ok"]');
  return options;
}

/** Calls one of the test build's background hooks (background/test-hooks.ts) from an extension page. */
export async function testHookFirefox<K extends keyof KyotsuTestHooks>(extensionPage: Page, name: K): Promise<Awaited<ReturnType<KyotsuTestHooks[K]>>> {
  const json = await extensionPage.evaluate(async (hook) => {
    const runtime = (globalThis as unknown as { browser: { runtime: { getBackgroundPage(): Promise<{ kyotsuTest: Record<string, () => Promise<unknown>> }> } } }).browser.runtime;
    const background = await runtime.getBackgroundPage();
    // The answer lives in the background's compartment: hand it over as text.
    return JSON.stringify(await background.kyotsuTest[hook]!());
  }, name);
  return JSON.parse(json) as Awaited<ReturnType<KyotsuTestHooks[K]>>;
}

/** GENERAL AUTHENTICATE (SP 800-73-4 Part 2 §3.2.4): one per card signature. */
const INS_GENERAL_AUTHENTICATE = 0x87;

/** How many signatures the software card has made. */
export async function signaturesFirefox(extensionPage: Page): Promise<number> {
  return (await testHookFirefox(extensionPage, 'softwareCardLog')).filter((entry) => entry.ins === INS_GENERAL_AUTHENTICATE).length;
}

/** The activity log as the background stored it. */
export async function activityFirefox(extensionPage: Page): Promise<ActivityEntry[]> {
  const json = await extensionPage.evaluate(async () => {
    const storage = (globalThis as unknown as { browser: { storage: { local: { get(key: string): Promise<Record<string, unknown>> } } } }).browser.storage;
    return JSON.stringify((await storage.local.get('activity')).activity ?? []);
  });
  return JSON.parse(json) as ActivityEntry[];
}

/**
 * From now on, notes in `extensionPage` every notification of the extension that is shown or closed.
 * Headless Firefox closes a notification the moment it is created (measured: `notifications.onClosed` with
 * byUser true, no `onShown`, and `getAll()` empty a moment later), so what it was given is seen only there.
 */
export async function watchNotificationsFirefox(extensionPage: Page): Promise<void> {
  await extensionPage.evaluate(() => {
    type Listener = { addListener(listener: (id: string) => void): void };
    const api = (globalThis as unknown as { browser: { notifications: { onShown: Listener; onClosed: Listener } } }).browser.notifications;
    const seen = new Set<string>();
    (globalThis as unknown as { kyotsuSeenNotifications: Set<string> }).kyotsuSeenNotifications = seen;
    api.onShown.addListener((id) => seen.add(id));
    api.onClosed.addListener((id) => seen.add(id));
  });
}

/** Ids of the notifications noted since `watchNotificationsFirefox`, and of those still shown. */
export async function notificationsSeenFirefox(extensionPage: Page): Promise<string[]> {
  return extensionPage.evaluate(async () => {
    const api = (globalThis as unknown as { browser: { notifications: { getAll(): Promise<Record<string, unknown>> } } }).browser.notifications;
    const seen = (globalThis as unknown as { kyotsuSeenNotifications?: Set<string> }).kyotsuSeenNotifications ?? new Set<string>();
    return [...new Set([...seen, ...Object.keys(await api.getAll())])];
  });
}

/** Switches automatic login in the (open) options page. */
export async function setAutoLoginFirefox(options: Page, on: boolean): Promise<void> {
  const checked = (): Promise<boolean> => options.$eval('#auto-login', (box) => (box as HTMLInputElement).checked);
  if ((await checked()) === on) return;
  await options.$eval('#login-status', (node) => node.removeAttribute('data-state'));
  await options.click('#auto-login');
  await options.waitForSelector('#login-status[data-state="ok"]'); // the background stored it
  assert.equal(await checked(), on);
}

/** Sets the PIN cache time in the (open) options page (0: every login asks for the PIN). */
export async function setPinCacheFirefox(options: Page, minutes: number): Promise<void> {
  await options.$eval('#pin-cache', (input, value) => ((input as HTMLInputElement).value = value), String(minutes));
  await options.$eval('#login-status', (node) => node.removeAttribute('data-state'));
  await options.click('#pin-cache-save');
  await options.waitForSelector('#login-status[data-state="ok"]');
}

/** The services' session cookies in the browser's jar (server/services/shared/app.ts names them). */
export async function serviceCookies(firefox: FirefoxWithExtension, name: RegExp): Promise<Cookie[]> {
  return (await firefox.browser.cookies()).filter((cookie) => name.test(cookie.name));
}

/** Forgets the matching service sessions (their cookies), without loading a page. */
export async function dropSessionsFirefox(firefox: FirefoxWithExtension, name: RegExp): Promise<void> {
  const cookies = await serviceCookies(firefox, name);
  if (cookies.length > 0) await firefox.browser.deleteCookie(...cookies);
  assert.deepEqual(await serviceCookies(firefox, name), [], 'the sessions are gone from the jar');
}

/**
 * "Get your common certificate" on the account page of `origin` for the logged-in `page`: `onConsent` sees
 * the first consent window (to open the options page from it, say) before it is allowed; then a new key
 * replaces the card's, and the PIN. Resolves with the serial the account page shows.
 */
export async function getCertificateFirefox(firefox: FirefoxWithExtension, page: Page, origin: string, onConsent: (consent: Page) => Promise<void>): Promise<string> {
  await page.goto(`${origin}/account`);
  await page.waitForFunction(() => document.documentElement.dataset.kyotsu === 'ready', { timeout: 15_000 });
  await page.click('#enroll');
  const consent = await extensionWindow(firefox, '/consent.html', 30_000);
  await onConsent(consent);
  await clickClosing(consent, '#allow'); // this service may use the card
  await allowFirefox(firefox); // a new key replaces the card's
  await enterPinFirefox(firefox);
  await page.waitForSelector('form[action="/certificate/invalidate"], #script-status.error', { timeout: 30_000 });
  const failed = await page.$('#script-status.error');
  if (failed) assert.fail(`the enrollment failed: ${await failed.evaluate((node) => node.textContent)}`);
  const serial = (await page.$eval('#certificate', (node) => node.textContent ?? '')).match(/[0-9a-f]{8,}/)?.[0];
  assert.ok(serial, 'the account page shows the certificate serial');
  return serial;
}

/** Qualify at a service: card → the service asks for its own password once → "Yes, use it here". Returns the logged-in page. */
export async function qualifyFirefox(firefox: FirefoxWithExtension, origin: string, serviceId: string, user = 'hanako'): Promise<Page> {
  const page = await openServicePageFirefox(firefox, `${origin}/login`);
  await page.click('[data-kyotsu-login]');
  await allowFirefox(firefox); // this service may use the card (the PIN is still cached)
  await page.waitForSelector('meta[name="kyotsu-session"][content="pending"]', { timeout: 20_000 });
  await passwordLoginFirefox(page, user, serviceId);
  await Promise.all([page.waitForNavigation(), page.click('#qualify-yes')]);
  await loggedInFirefox(page);
  return page;
}

/** The text of the first element matching `selector` (throws when there is none). */
export function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (node) => (node as HTMLElement).innerText);
}
