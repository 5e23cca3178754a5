/**
 * Helpers for the extension's pages and windows in Firefox tests (puppeteer-core over WebDriver BiDi):
 * page-library calls in a service page (e2e/fixtures/page-app.ts), the extension's prompt windows, and the
 * check of a web-eid:1.0 token.
 */
import assert from 'node:assert/strict';
import { type Page } from 'puppeteer-core';
import { fromBase64 } from '../../src/bytes.js';
import { parseCertificate } from '../../src/pki/certificate.js';
import { tokenSignedData } from '../../src/protocol/signed-data.js';
import { type FirefoxWithExtension } from './firefox.js';

/** A page-library call's outcome. */
export interface Tracked<T> {
  done: boolean;
  value?: T;
  error?: { code: string; message: string };
}

/** Starts a page-library call (e2e/fixtures/page-app.ts) in the page under `name`. */
export async function start(page: Page, name: string, source: string, arg: unknown): Promise<void> {
  await page.evaluate(
    (n, src, a) => {
      const app = window as unknown as { track(p: Promise<unknown>): unknown; calls?: Record<string, unknown> };
      // The call is this test file's own source text: a function cannot cross into the page.
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const run = new Function('app', 'arg', `return (${src})(app, arg);`) as (app: unknown, arg: unknown) => Promise<unknown>;
      app.calls = app.calls ?? {};
      app.calls[n] = app.track(run(app, a));
    },
    name,
    source,
    arg,
  );
}

/** Waits for a started call and returns its outcome. */
export async function outcome<T>(page: Page, name: string): Promise<Tracked<T>> {
  await page.waitForFunction((n) => (window as unknown as { calls: Record<string, { done: boolean } | undefined> }).calls[n]?.done === true, { timeout: 20_000 }, name);
  return page.evaluate((n) => (window as unknown as { calls: Record<string, unknown> }).calls[n], name) as Promise<Tracked<T>>;
}

/** The address a page shows now. Puppeteer's BiDi target keeps `about:blank` for a window an extension opened. */
export async function locationOf(page: Page): Promise<string | null> {
  if (page.isClosed()) return null;
  try {
    return await page.evaluate(() => location.href);
  } catch (error) {
    if (error instanceof Error && /closed|detached|destroyed|no such|discarded/i.test(error.message)) return null; // it went away meanwhile
    throw error;
  }
}

/**
 * Waits for the extension to open `path` (`/pin.html`, `/consent.html`) in a window and returns its page.
 * Firefox's WebDriver BiDi does not report the window's moz-extension:// navigation, so each open page is
 * asked where it is.
 */
export async function extensionWindow(firefox: FirefoxWithExtension, path: string, timeoutMs = 15_000): Promise<Page> {
  const page = await extensionWindowUnless(firefox, path, timeoutMs, () => false);
  if (!page) throw new Error(`the extension opened no ${path} window`);
  return page;
}

/** `extensionWindow`, or null as soon as `stop()` says the window is no longer expected. */
export async function extensionWindowUnless(firefox: FirefoxWithExtension, path: string, timeoutMs: number, stop: () => boolean): Promise<Page | null> {
  const deadline = Date.now() + timeoutMs;
  while (!stop()) {
    for (const page of await firefox.browser.pages()) {
      const href = await locationOf(page);
      if (href?.startsWith('moz-extension://') && new URL(href).pathname === path) {
        await page.waitForFunction(() => document.readyState !== 'loading');
        return page;
      }
    }
    if (Date.now() > deadline) throw new Error(`the extension opened no ${path} window`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return null;
}

/**
 * Clicks a button that closes its window (Allow, OK in the PIN window) and waits until the window is gone.
 * The click is the mouse's at the button's place, with no element handle left to the closing window:
 * puppeteer releases a clicked handle after the click, and in a window already closed that release is a
 * rejection nobody awaits ("no such node"), which node:test pins on whichever test is running.
 */
export async function clickClosing(page: Page, selector: string): Promise<void> {
  const href = await locationOf(page);
  const button = await page.waitForSelector(`${selector}:not([disabled])`);
  const box = await button!.boundingBox();
  await button!.dispose();
  assert.ok(box, `${selector} is not shown`);
  try {
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  } catch (error) {
    if (!(error instanceof Error && /closed|detached|destroyed|no such|discarded/i.test(error.message))) throw error;
  }
  const deadline = Date.now() + 15_000;
  // A closed window may linger in puppeteer's list for a moment; it no longer answers there.
  while ((await locationOf(page)) === href) {
    if (Date.now() > deadline) throw new Error(`${href} did not close`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Checks a web-eid:1.0 token's signature over H(origin) ‖ H(nonce) with its certificate's key. */
export async function tokenVerifiesFor(token: { unverifiedCertificate: string; signature: string }, origin: string, nonce: string): Promise<boolean> {
  const certificate = parseCertificate(fromBase64(token.unverifiedCertificate));
  const spki = new Uint8Array(certificate.subjectPublicKeyInfo.toSchema().toBER(false));
  const key = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const data = await tokenSignedData('ES256', origin, nonce);
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, fromBase64(token.signature).slice(), data.slice());
}
