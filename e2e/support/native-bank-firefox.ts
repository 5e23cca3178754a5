/**
 * A holder's steps at the participating services (server/services) in Firefox ESR (puppeteer-core over
 * WebDriver BiDi), for the native-host tests: the service's own password form and Log out button, the
 * extension's consent and PIN windows, and its options page.
 */
import assert from 'node:assert/strict';
import { type Page } from 'puppeteer-core';
import { type FirefoxWithExtension } from './firefox.js';
import { clickClosing, extensionWindow } from './firefox-pages.js';
import { ACTIVE, PIN } from './service-steps.js';

/** Opens a service page and waits until kyotsu announced itself there. */
export async function openServicePageFirefox(firefox: FirefoxWithExtension, url: string): Promise<Page> {
  const page = await firefox.browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.kyotsu === 'ready', { timeout: 15_000 });
  return page;
}

/** Logs in with the service's own password (on its /login page). */
export async function passwordLoginFirefox(page: Page, user: string, serviceId: string): Promise<void> {
  await page.type('#userId', user);
  await page.type('#password', `${user}-${serviceId}`);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type="submit"]')]);
}

/** Logs out through the page's own Log out button; resolves once the next page has loaded. */
export async function logOutFirefox(page: Page): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
}

/** Waits until the page belongs to a logged-in session (the service's own signal). */
export async function loggedInFirefox(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForSelector(ACTIVE, { timeout });
}

/** Allows the consent window the extension opens next. */
export async function allowFirefox(firefox: FirefoxWithExtension): Promise<void> {
  await clickClosing(await extensionWindow(firefox, '/consent.html', 30_000), '#allow');
}

/** Answers the PIN window the extension opens next. */
export async function enterPinFirefox(firefox: FirefoxWithExtension, pin = PIN): Promise<void> {
  const window = await extensionWindow(firefox, '/pin.html', 30_000);
  await window.type('#pin', pin);
  await clickClosing(window, '#submit');
}

/**
 * From an extension window (WebDriver BiDi may not navigate to moz-extension:// itself), opens the options
 * page, chooses the native host, and waits until it says the way to the card is complete; returns the
 * readers it lists.
 */
export async function chooseNativeHostFirefox(firefox: FirefoxWithExtension, extensionPage: Page): Promise<string[]> {
  await extensionPage.evaluate(() => (globalThis as unknown as { browser: { runtime: { openOptionsPage(): Promise<void> } } }).browser.runtime.openOptionsPage());
  const options = await extensionWindow(firefox, '/options.html');
  await options.waitForSelector('#background-status[data-state="ok"]');
  await options.click('input[name="cardSource"][value="native"]');
  await options.waitForSelector('#source-status[data-state="ok"]');
  await options.waitForSelector('#native-status[data-problem]', { timeout: 30_000 });
  const problem = await options.$eval('#native-status', (node) => (node as HTMLElement).dataset.problem);
  assert.equal(problem, 'none', await options.$eval('#native-detail', (node) => node.textContent ?? ''));
  const readers = await options.$$eval('#native-readers li', (items) => items.map((item) => item.textContent ?? ''));
  await options.close();
  return readers;
}
