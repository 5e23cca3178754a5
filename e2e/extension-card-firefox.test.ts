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
import { toBase64 } from '../src/bytes.js';
import { SERVICE_NONCE, servicePages } from './fixtures/service-page.js';
import { type FirefoxWithExtension, launchFirefox } from './support/firefox.js';
import { clickClosing, extensionWindow, extensionWindowUnless, outcome, start, tokenVerifiesFor } from './support/firefox-pages.js';
import { type PageServer, servePages } from './support/static-server.js';
import { createTestIssuer, type TestIssuer } from './support/test-issuer.js';

/** The software card's factory PIN. */
const PIN = '123456';

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
