/**
 * A holder's steps at the participating services (server/services) in Chromium, for the native-host tests:
 * the service's own password form and Log out button, the extension's consent and PIN windows, and the
 * options page where the holder chooses the native host as the card source.
 */
import assert from 'node:assert/strict';
import { type Page } from 'playwright-core';
import { type ChromiumWithExtension } from './chromium.js';
import { clickClosing, openOptions, waitForExtensionWindow } from './extension-pages.js';

/** The software card's factory PIN. */
export const CARD_PIN = '123456';
/** The services' signal of a logged-in session. */
export const SESSION_ACTIVE = 'meta[name="kyotsu-session"][content="active"]';

/** Allows the consent window the extension opens next. */
export async function allow(browser: ChromiumWithExtension): Promise<void> {
  await clickClosing(await waitForExtensionWindow(browser, '/consent.html', 30_000), '#allow');
}

/** Answers the PIN window the extension opens next. */
export async function enterPin(browser: ChromiumWithExtension, pin = CARD_PIN): Promise<void> {
  const window = await waitForExtensionWindow(browser, '/pin.html', 30_000);
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
export async function loggedIn(page: Page, timeout = 30_000): Promise<void> {
  await page.locator(SESSION_ACTIVE).waitFor({ state: 'attached', timeout });
}

/**
 * Chooses the native host in the options page and waits until the page says the way to the card is
 * complete; returns the readers it lists.
 */
export async function chooseNativeHost(browser: ChromiumWithExtension): Promise<string[]> {
  const options = await openOptions(browser);
  await options.locator('input[name="cardSource"][value="native"]').check();
  await options.locator('#source-status[data-state="ok"]').waitFor();
  await options.locator('#native-status[data-problem]').waitFor({ state: 'attached', timeout: 30_000 });
  const problem = await options.locator('#native-status').getAttribute('data-problem');
  assert.equal(problem, 'none', await options.locator('#native-detail').innerText());
  const readers = await options.locator('#native-readers li').allInnerTexts();
  await options.close();
  return readers;
}

/** Sets how long the PIN stays cached (0: every login asks). */
export async function setPinCacheMinutes(browser: ChromiumWithExtension, minutes: number): Promise<void> {
  const options = await openOptions(browser);
  await options.locator('#pin-cache').fill(String(minutes));
  await options.locator('#pin-cache-save').click();
  await options.locator('#login-status').filter({ hasText: /\S/ }).waitFor();
  await options.close();
}
