/**
 * The extension's login path in Firefox ESR (puppeteer-core over WebDriver BiDi) with the software PIV card
 * inside the extension (IndexedDB store, non-extractable WebCrypto keys): a participating page enrolls
 * (consent and PIN in the extension's own popup windows, found among the browser's pages by their
 * moz-extension:// address), hands back the issued certificate, and on the next visit is logged in
 * automatically with a web-eid:1.0 token the card signed for the page's origin as Firefox reports it. Tests run in order and share one browser.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Page } from 'puppeteer-core';
import { fromBase64, toBase64 } from '../src/bytes.js';
import { parseCertificate } from '../src/pki/certificate.js';
import { tokenSignedData } from '../src/protocol/signed-data.js';
import { SERVICE_NONCE, servicePages } from './fixtures/service-page.js';
import { type FirefoxWithExtension, launchFirefox } from './support/firefox.js';
import { type PageServer, servePages } from './support/static-server.js';
import { createTestIssuer, type TestIssuer } from './support/test-issuer.js';

/** The software card's factory PIN. */
const PIN = '123456';

interface Tracked<T> {
  done: boolean;
  value?: T;
  error?: { code: string; message: string };
}

/** Starts a page-library call (e2e/fixtures/page-app.ts) in the page under `name`. */
async function start(page: Page, name: string, source: string, arg: unknown): Promise<void> {
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
async function outcome<T>(page: Page, name: string): Promise<Tracked<T>> {
  await page.waitForFunction((n) => (window as unknown as { calls: Record<string, { done: boolean } | undefined> }).calls[n]?.done === true, { timeout: 20_000 }, name);
  return page.evaluate((n) => (window as unknown as { calls: Record<string, unknown> }).calls[n], name) as Promise<Tracked<T>>;
}

/** The address a page shows now. Puppeteer's BiDi target keeps `about:blank` for a window an extension opened. */
async function locationOf(page: Page): Promise<string | null> {
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
async function extensionWindow(firefox: FirefoxWithExtension, path: string, timeoutMs = 15_000): Promise<Page> {
  const page = await extensionWindowUnless(firefox, path, timeoutMs, () => false);
  if (!page) throw new Error(`the extension opened no ${path} window`);
  return page;
}

/** `extensionWindow`, or null as soon as `stop()` says the window is no longer expected. */
async function extensionWindowUnless(firefox: FirefoxWithExtension, path: string, timeoutMs: number, stop: () => boolean): Promise<Page | null> {
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

/** Clicks a button that closes its window (Allow, OK in the PIN window) and waits until the window is gone. */
async function clickClosing(page: Page, selector: string): Promise<void> {
  await page.waitForSelector(`${selector}:not([disabled])`);
  const href = await locationOf(page);
  try {
    await page.click(selector);
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
async function tokenVerifiesFor(token: { unverifiedCertificate: string; signature: string }, origin: string, nonce: string): Promise<boolean> {
  const certificate = parseCertificate(fromBase64(token.unverifiedCertificate));
  const spki = new Uint8Array(certificate.subjectPublicKeyInfo.toSchema().toBER(false));
  const key = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const data = await tokenSignedData('ES256', origin, nonce);
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, fromBase64(token.signature).slice(), data.slice());
}

describe('Firefox ESR: enrollment and login with the software card inside the extension', () => {
  let firefox: FirefoxWithExtension;
  let bankA: PageServer;
  let issuer: TestIssuer;
  let certificate: Uint8Array;

  before(async () => {
    // The logged-in page says so, as the services do (`kyotsu-session` meta): no further automatic login there.
    const welcome = '<!doctype html><html><head><meta charset="utf-8"><meta name="kyotsu-session" content="active"><title>Welcome</title></head><body><h1 id="welcome">Welcome</h1></body></html>';
    [bankA, issuer] = await Promise.all([servicePages('Bank A').then((pages) => servePages({ ...pages, '/welcome.html': welcome })), createTestIssuer()]);
    firefox = await launchFirefox();
  });
  after(async () => {
    await firefox?.close();
    await bankA?.close();
  });

  async function openServicePage(path: string): Promise<Page> {
    const page = await firefox.browser.newPage();
    await page.goto(`${bankA.origin}${path}`);
    await page.waitForFunction(() => document.documentElement.dataset.kyotsu === 'ready', { timeout: 15_000 });
    return page;
  }

  it('enrolls: consent and PIN in extension-owned windows, a card-signed CSR, the issued certificate written to the card', async () => {
    const page = await openServicePage('/app.html');
    await start(page, 'keygen', String((app: { kyotsu: { enroll: { generateKey(a: string): Promise<unknown> } } }) => app.kyotsu.enroll.generateKey('ES256')), null);

    const consent = await extensionWindow(firefox, '/consent.html');
    assert.match(await consent.$eval('#heading', (node) => node.textContent ?? ''), /Bank A/);
    await clickClosing(consent, '#allow'); // let Bank A use the card
    const replaceKey = await extensionWindow(firefox, '/consent.html');
    assert.match(await replaceKey.$eval('#explain', (node) => node.textContent ?? ''), /new key/);
    await clickClosing(replaceKey, '#allow');

    const pinWindow = await extensionWindow(firefox, '/pin.html');
    await pinWindow.waitForFunction(() => /3/.test(document.getElementById('retries')?.textContent ?? ''));
    await pinWindow.type('#pin', PIN);
    await clickClosing(pinWindow, '#submit');

    const keygen = await outcome<{ enrollmentId: string; csr: string }>(page, 'keygen');
    assert.equal(keygen.error, undefined, JSON.stringify(keygen.error));
    certificate = await issuer.issue(keygen.value!.csr, 'Hanako Yamada');
    await start(
      page,
      'write',
      String((app: { kyotsu: { enroll: { writeCertificate(id: string, der: string): Promise<unknown> } } }, a: { id: string; der: string }) =>
        app.kyotsu.enroll.writeCertificate(a.id, a.der),
      ),
      { id: keygen.value!.enrollmentId, der: toBase64(certificate) },
    );
    const written = await outcome<{ serial: string; subject: string }>(page, 'write');
    assert.equal(written.error, undefined, JSON.stringify(written.error));
    assert.equal(written.value?.subject, 'CN=Hanako Yamada');

    const seen = await page.evaluate(() => (window as unknown as { pageSeen: string[] }).pageSeen.join('\n') + document.documentElement.outerHTML);
    assert.equal(seen.includes(PIN), false, 'the PIN appears in no message the page received and nowhere in its DOM');
    await page.close();
  });

  it('logs in by itself on the next visit: the card (state kept in IndexedDB) signs the challenge for the origin Firefox reports', async () => {
    const before = bankA.received.length;
    const page = await firefox.browser.newPage();
    await page.goto(`${bankA.origin}/app.html`);
    // With the PIN cache on (the default) the PIN given at enrollment is reused; otherwise the window asks.
    const arrived = (): Promise<void> => page.waitForFunction(() => location.pathname === '/welcome.html', { timeout: 20_000 }).then(() => undefined);
    let loggedIn = false;
    const asked = await Promise.race([
      extensionWindowUnless(firefox, '/pin.html', 20_000, () => loggedIn),
      arrived().then(() => {
        loggedIn = true;
        return null;
      }),
    ]);
    if (asked) {
      await asked.type('#pin', PIN);
      await clickClosing(asked, '#submit');
    }
    await arrived();
    await page.waitForFunction(() => document.documentElement.dataset.kyotsu === 'ready', { timeout: 15_000 }); // the content script has seen the session signal

    const posted = bankA.received.slice(before).filter((request) => request.method === 'POST' && request.path === '/api/auth/login');
    assert.equal(posted.length, 1, 'one login, posted from the page’s own origin');
    const token = JSON.parse(posted[0]!.body) as { format: string; unverifiedCertificate: string; signature: string };
    assert.equal(token.format, 'web-eid:1.0');
    assert.equal(token.unverifiedCertificate, toBase64(certificate), 'the token carries the certificate written at enrollment');
    assert.equal(await tokenVerifiesFor(token, bankA.origin, SERVICE_NONCE), true, 'signed over H(origin) ‖ H(nonce) for Bank A’s own origin');
    await page.close();
  });
});
