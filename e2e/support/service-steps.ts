/**
 * Steps of a holder's story against the REAL participating services (server/services) in Chromium with the
 * extension: the extension's windows (consent, PIN), the services' own password login and logout, the
 * service's session signal, the options page's switches, and the test build's card hooks.
 */
import assert from 'node:assert/strict';
import { type BrowserContext, type Page } from 'playwright-core';
import { type KyotsuTestHooks } from '../../background/test-hooks.js';
import { type ActivityEntry } from '../../src/message-results.js';
import { type ChromiumWithExtension } from './chromium.js';
import { clickClosing, openOptions, openServicePage, waitForExtensionWindow } from './extension-pages.js';

/** The software card's factory PIN. */
export const PIN = '123456';
/** The service's own signal that the page belongs to a logged-in session. */
export const ACTIVE = 'meta[name="kyotsu-session"][content="active"]';
/** GENERAL AUTHENTICATE (SP 800-73-4 Part 2 §3.2.4): one per card signature. */
export const INS_GENERAL_AUTHENTICATE = 0x87;

/** Allows the consent window the extension opens next (`timeout`: how long it may take to open). */
export async function allow(browser: ChromiumWithExtension, timeout?: number): Promise<void> {
  await clickClosing(await waitForExtensionWindow(browser, '/consent.html', timeout), '#allow');
}

/** Answers the PIN window the extension opens next (`timeout`: how long it may take to open). */
export async function enterPin(browser: ChromiumWithExtension, pin = PIN, timeout?: number): Promise<void> {
  const window = await waitForExtensionWindow(browser, '/pin.html', timeout);
  await window.locator('#pin').fill(pin);
  await clickClosing(window, '#submit');
}

/** Logs in with the service's own password (on its /login page). */
export async function passwordLogin(page: Page, user: string, serviceId: string): Promise<void> {
  await page.locator('#userId').fill(user);
  await page.locator('#password').fill(`${user}-${serviceId}`);
  await page.locator('form[action="/login"] button[type="submit"]').click();
}

/** Logs out through the page's own Log out button; resolves once the next page has loaded. */
export async function logOut(page: Page): Promise<void> {
  await Promise.all([page.waitForURL((url) => url.pathname === '/', { waitUntil: 'load' }), page.locator('form[action="/logout"] button').click()]);
}

/** Waits until the page belongs to a logged-in session (the service's own signal). */
export async function loggedIn(page: Page, timeout = 20_000): Promise<void> {
  await page.locator(ACTIVE).waitFor({ state: 'attached', timeout });
}

/** Forgets every service session of the browser (the services' cookies), without loading a page. */
export async function dropSessions(context: BrowserContext): Promise<void> {
  await context.clearCookies();
}

/** Switches automatic login in the options page. */
export async function setAutoLogin(browser: ChromiumWithExtension, on: boolean): Promise<void> {
  const options = await openOptions(browser);
  const box = options.locator('#auto-login');
  if ((await box.isChecked()) !== on) await box.click();
  await options.waitForFunction((want) => (document.getElementById('auto-login') as HTMLInputElement).checked === want, on);
  await options.close();
}

/** Sets the PIN cache time in the options page (0: every login asks for the PIN). */
export async function setPinCache(browser: ChromiumWithExtension, minutes: number): Promise<void> {
  const options = await openOptions(browser);
  await options.locator('#pin-cache').fill(String(minutes));
  await options.locator('#pin-cache-save').click();
  await options.locator('#login-status[data-state="ok"]').waitFor();
  await options.close();
}

/** The activity log as the background stored it. */
export function activity(browser: ChromiumWithExtension): Promise<ActivityEntry[]> {
  return browser.worker.evaluate(async () => {
    const stored = await (globalThis as unknown as { chrome: { storage: { local: { get(key: string): Promise<Record<string, unknown>> } } } }).chrome.storage.local.get('activity');
    return (stored.activity ?? []) as ActivityEntry[];
  });
}

/** Calls one of the test build's background hooks (background/test-hooks.ts) with its argument. */
export function testHook<K extends keyof KyotsuTestHooks>(
  browser: ChromiumWithExtension,
  name: K,
  ...args: Parameters<KyotsuTestHooks[K]>
): Promise<Awaited<ReturnType<KyotsuTestHooks[K]>>> {
  return browser.worker.evaluate(
    ({ hook, arg }) => (globalThis as unknown as { kyotsuTest: Record<string, (arg?: unknown) => Promise<never>> }).kyotsuTest[hook]!(arg),
    { hook: name, arg: args[0] },
  );
}

/**
 * "Get your common certificate" on the account page of `origin` for the logged-in `page`: `consents`
 * windows to allow (the service may use the card, if not yet approved; a new key replaces the card's),
 * then the PIN. Resolves with the serial the account page shows.
 */
export async function getCertificate(browser: ChromiumWithExtension, page: Page, origin: string, consents: 1 | 2): Promise<string> {
  await page.goto(`${origin}/account`);
  await page.locator('#enroll').click();
  for (let i = 0; i < consents; i++) await allow(browser);
  await enterPin(browser);
  await page.locator('form[action="/certificate/invalidate"], #script-status.error').first().waitFor({ timeout: 30_000 });
  const failed = page.locator('#script-status.error');
  // The message only when there is one: innerText() of a missing element waits out Playwright's 30 s timeout.
  if ((await failed.count()) > 0) assert.fail(`the enrollment failed: ${await failed.innerText()}`);
  const serial = (await page.locator('#certificate').innerText()).match(/[0-9a-f]{8,}/)?.[0];
  assert.ok(serial, 'the account page shows the certificate serial');
  return serial;
}

/** Qualify at a service: card → the service asks for its own password once → "Yes, use it here". Returns the logged-in page. */
export async function qualify(browser: ChromiumWithExtension, origin: string, serviceId: string, user = 'hanako'): Promise<Page> {
  const page = await openServicePage(browser.context, `${origin}/login`);
  await page.locator('[data-kyotsu-login]').click();
  await allow(browser); // this service may use the card
  await page.locator('meta[name="kyotsu-session"][content="pending"]').waitFor({ state: 'attached', timeout: 20_000 });
  await passwordLogin(page, user, serviceId);
  await page.locator('#qualify-yes').click();
  await loggedIn(page);
  return page;
}
