/**
 * The extension's own machinery in Chromium, with the software PIV card inside the extension and the
 * simulated WebUSB CCID reader of the test build (no demo services needed): consent and PIN in
 * extension-owned windows, enrollment through the page library, the Web Locks reader queue across two
 * tabs, "insert your card" over WebUSB, and silence towards non-participating origins.
 * Tests run in order and share one browser: each builds on the card state the previous one left.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Page } from 'playwright-core';
import { fromBase64, toBase64 } from '../src/bytes.js';
import { type KyotsuTestHooks } from '../background/test-hooks.js';
import { type KyotsuPage } from '../src/page-api.js';
import { parseCertificate } from '../src/pki/certificate.js';
import { tokenSignedData } from '../src/protocol/signed-data.js';
import { nonParticipatingPages, SERVICE_NONCE, servicePages } from './fixtures/service-page.js';
import { type ChromiumWithExtension, launchChromium } from './support/chromium.js';
import { clickClosing, openOptions, openServicePage, waitForExtensionWindow, windowTypeOf } from './support/extension-pages.js';
import { type PageServer, servePages } from './support/static-server.js';
import { createTestIssuer, type TestIssuer } from './support/test-issuer.js';

/** The software card's factory PIN. */
const PIN = '123456';
const NONCE_A = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const NONCE_B = 'HxwdHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=';

interface Tracked<T> {
  done: boolean;
  value?: T;
  error?: { code: string; message: string };
}

/** The test page's globals (e2e/fixtures/page-app.ts). */
interface AppWindow {
  kyotsu: KyotsuPage;
  track(promise: Promise<unknown>): Tracked<unknown>;
  calls: Record<string, Tracked<unknown>>;
  pageSeen: string[];
  pageNotices: string[];
}

/** Starts a page-library call in the page under `name`; `outcome` collects it. */
async function start<A>(page: Page, name: string, call: (app: AppWindow, arg: A) => Promise<unknown>, arg: A): Promise<void> {
  await page.evaluate(
    ({ name: n, source, arg: a }) => {
      const app = window as unknown as AppWindow;
      // The call is this test file's own source text, sent because a function cannot cross into the page.
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const run = new Function('app', 'arg', `return (${source})(app, arg);`) as (app: AppWindow, arg: unknown) => Promise<unknown>;
      app.calls = app.calls ?? {};
      app.calls[n] = app.track(run(app, a));
    },
    { name, source: call.toString(), arg },
  );
}

/** Waits for a started call and returns its outcome. */
async function outcome<T>(page: Page, name: string): Promise<Tracked<T>> {
  await page.waitForFunction((n) => (window as unknown as AppWindow).calls[n]?.done === true, name, { timeout: 20_000 });
  return page.evaluate((n) => (window as unknown as AppWindow).calls[n] as Tracked<T>, name);
}

/** Types the PIN into the extension's PIN window and submits it; the window closes when the card accepts it. */
async function enterPin(browser: ChromiumWithExtension, pin = PIN): Promise<Page> {
  const window = await waitForExtensionWindow(browser, '/pin.html');
  await window.locator('#pin').fill(pin);
  await clickClosing(window, '#submit');
  return window;
}

/** Calls one of the test build's background hooks (background/test-hooks.ts). */
function testHook<K extends keyof KyotsuTestHooks>(browser: ChromiumWithExtension, name: K): Promise<Awaited<ReturnType<KyotsuTestHooks[K]>>> {
  return browser.worker.evaluate((hook) => (globalThis as unknown as { kyotsuTest: Record<string, () => Promise<never>> }).kyotsuTest[hook]!(), name);
}

/** Checks a web-eid:1.0 token's signature over H(origin) ‖ H(nonce) with its certificate's key. */
async function tokenVerifiesFor(token: { unverifiedCertificate: string; signature: string; algorithm: string }, origin: string, nonce: string): Promise<boolean> {
  const certificate = parseCertificate(fromBase64(token.unverifiedCertificate));
  const spki = new Uint8Array(certificate.subjectPublicKeyInfo.toSchema().toBER(false));
  const key = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const data = await tokenSignedData('ES256', origin, nonce);
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, fromBase64(token.signature).slice(), data.slice());
}

describe('Chromium: consent, PIN window, enrollment, the reader queue and WebUSB', () => {
  let browser: ChromiumWithExtension;
  let bankA: PageServer;
  let bankB: PageServer;
  let outsider: PageServer;
  let issuer: TestIssuer;
  let serial = '';

  before(async () => {
    [bankA, bankB, outsider, issuer] = await Promise.all([
      servicePages('Bank A').then(servePages),
      servicePages('Bank B').then(servePages),
      nonParticipatingPages().then(servePages),
      createTestIssuer(),
    ]);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await Promise.all([bankA?.close(), bankB?.close(), outsider?.close()]);
  });

  it('enrolls: consent and PIN are asked in extension-owned popup windows, the PIN never reaches the page; the certificate then fills a qualify field', async () => {
    const page = await openServicePage(browser.context, `${bankA.origin}/app.html`);
    await start(page, 'keygen', (app) => app.kyotsu.enroll.generateKey('ES256'), null);

    const consent = await waitForExtensionWindow(browser, '/consent.html');
    assert.equal(await windowTypeOf(browser, consent.url()), 'popup');
    assert.match(await consent.locator('#heading').innerText(), /Bank A/);
    await clickClosing(consent, '#allow'); // let Bank A use the card
    const replaceKey = await waitForExtensionWindow(browser, '/consent.html');
    assert.match(await replaceKey.locator('#explain').innerText(), /new key/);
    await clickClosing(replaceKey, '#allow');

    const pinWindow = await waitForExtensionWindow(browser, '/pin.html');
    assert.equal(await windowTypeOf(browser, pinWindow.url()), 'popup', 'the PIN is asked in a popup window the extension owns');
    assert.match(await pinWindow.locator('#who').innerText(), new RegExp(`Bank A — ${bankA.origin.replace(/[.:/]/g, '\\$&')}`));
    assert.match(await pinWindow.locator('#retries').innerText(), /3/);
    await enterPin(browser);

    const keygen = await outcome<{ enrollmentId: string; csr: string }>(page, 'keygen');
    assert.equal(keygen.error, undefined, JSON.stringify(keygen.error));
    const certificate = await issuer.issue(keygen.value!.csr, 'Hanako Yamada');
    await start(page, 'write', (app, a) => app.kyotsu.enroll.writeCertificate(a.id, a.der), {
      id: keygen.value!.enrollmentId,
      der: toBase64(certificate),
    });
    const written = await outcome<{ serial: string; subject: string }>(page, 'write');
    assert.deepEqual(written.value?.subject, 'CN=Hanako Yamada');
    serial = written.value.serial;

    await start(page, 'cert', (app) => app.kyotsu.getCertificate(), null);
    const read = await outcome<{ serial: string; certificate: string }>(page, 'cert');
    assert.equal(read.value?.serial, serial, 'the card now holds the issued certificate');
    assert.equal(read.value?.certificate, toBase64(certificate));

    const seen = await page.evaluate(() => (window as unknown as AppWindow).pageSeen.join('\n') + document.documentElement.outerHTML);
    assert.equal(seen.includes(PIN), false, 'the PIN appears in no message the page received and nowhere in its DOM');
    await page.close();

    // The qualify flow without page script: the content script fills a data-kyotsu-certificate field.
    const qualify = await browser.context.newPage();
    await qualify.goto(`${bankA.origin}/qualify.html`);
    await qualify.waitForFunction((expected) => (document.getElementById('serial') as HTMLInputElement).value === expected, serial);
    await qualify.close();
  });

  it('serialises two tabs on the one card (Web Locks): the second tab shows "card in use — waiting", the card log shows no overlap', async () => {
    // Approve Bank B in the options page (it was seen on navigation), and turn the PIN cache off so each
    // login asks for the PIN and holds the reader while the PIN window is open.
    const pageB = await openServicePage(browser.context, `${bankB.origin}/app.html`);
    const options = await openOptions(browser);
    await options.locator(`tr[data-origin="${bankB.origin}"] button`, { hasText: 'Allow' }).click();
    await options.locator(`tr[data-origin="${bankB.origin}"] .badge.approved`).waitFor();
    await options.locator('#pin-cache').fill('0');
    await options.locator('#pin-cache-save').click();
    await options.locator('#login-status[data-state="ok"]').waitFor();

    const pageA = await openServicePage(browser.context, `${bankA.origin}/app.html`);
    const logStart = (await testHook(browser, 'softwareCardLog')).length;

    await start(pageA, 'login', (app, nonce) => app.kyotsu.authenticate(nonce), NONCE_A);
    const firstPin = await waitForExtensionWindow(browser, '/pin.html'); // tab A now holds the reader
    // Tab B posts a raw request with a forged origin in it: the protocol drops the field, the token is for
    // Bank B's own origin as the browser reports it.
    await start(
      pageB,
      'login',
      (_app, nonce) =>
        new Promise((resolve, reject) => {
          addEventListener('message', (event: MessageEvent<{ source?: string; id?: string; reply?: { ok: boolean; result?: { token: unknown }; error?: { message: string } } }>) => {
            if (event.data.source !== 'kyotsu-content' || event.data.id !== 'forged-1') return;
            if (event.data.reply?.ok) resolve(event.data.reply.result?.token);
            else reject(new Error(event.data.reply?.error?.message));
          });
          postMessage({ source: 'kyotsu-page', id: 'forged-1', request: { type: 'authenticate', challengeNonce: nonce, origin: 'https://forged.example' } }, location.origin);
        }),
      NONCE_B,
    );

    const notice = pageB.locator('#kyotsu-notice[data-kind="card-busy"]');
    await notice.waitFor({ state: 'attached' });
    assert.match((await notice.getAttribute('data-text')) ?? '', /Card in use — waiting/);
    assert.deepEqual(await pageB.evaluate(() => (window as unknown as AppWindow).pageNotices), ['card-busy']);

    await firstPin.locator('#pin').fill(PIN);
    await clickClosing(firstPin, '#submit');
    const tokenA = await outcome<{ unverifiedCertificate: string; signature: string; algorithm: string }>(pageA, 'login');
    await enterPin(browser); // tab B's turn
    const tokenB = await outcome<{ unverifiedCertificate: string; signature: string; algorithm: string }>(pageB, 'login');

    assert.equal(await tokenVerifiesFor(tokenA.value!, bankA.origin, NONCE_A), true, 'tab A signed for its own origin');
    assert.equal(await tokenVerifiesFor(tokenB.value!, bankB.origin, NONCE_B), true, 'tab B signed for the browser’s origin of tab B');
    assert.equal(await tokenVerifiesFor(tokenB.value!, 'https://forged.example', NONCE_B), false, 'the forged origin had no effect');

    const log = (await testHook(browser, 'softwareCardLog')).slice(logStart);
    const milestones = log.filter((entry) => entry.ins === 0xa4 || entry.ins === 0x87).map((entry) => (entry.ins === 0xa4 ? 'SELECT' : 'SIGN'));
    assert.deepEqual(milestones, ['SELECT', 'SIGN', 'SELECT', 'SIGN'], 'each login ran SELECT … VERIFY … GENERAL AUTHENTICATE alone on the card');
    for (let i = 1; i < log.length; i++) assert.ok(log[i]!.startedAt >= log[i - 1]!.endedAt, 'no two APDUs overlapped on the card');

    await Promise.all([pageA.close(), pageB.close(), options.close()]);
  });

  it('one-click login: a data-kyotsu-login button gets a challenge, has the card sign it, posts the token from the page and follows the redirect', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${bankA.origin}/login.html`);
    await page.waitForFunction(() => document.documentElement.dataset.kyotsu === 'ready');
    const before = bankA.received.length;
    await page.locator('[data-kyotsu-login]').click();
    await enterPin(browser); // the PIN cache is off since the previous test
    await page.waitForURL(`${bankA.origin}/welcome.html`);
    const posted = bankA.received.slice(before).filter((request) => request.method === 'POST').map((request) => request.path);
    assert.deepEqual(posted, ['/api/auth/challenge', '/api/auth/login']);
    const token = JSON.parse(bankA.received.slice(before).find((request) => request.path === '/api/auth/login')!.body) as { unverifiedCertificate: string; signature: string; algorithm: string; format: string };
    assert.equal(token.format, 'web-eid:1.0');
    assert.equal(await tokenVerifiesFor(token, bankA.origin, SERVICE_NONCE), true, 'the posted token signs the service challenge for the page origin');
    await page.close();
  });

  it('reaches the card through the WebUSB CCID driver (simulated reader, test build): "insert your card" proceeds by itself', async () => {
    const options = await openOptions(browser);
    await options.locator('#usb-pair').click();
    await options.locator('#source-status[data-state="ok"]').waitFor();
    assert.equal(await options.locator('input[name="cardSource"][value="webusb"]').isChecked(), true);
    await testHook(browser, 'removeUsbCard');

    const page = await openServicePage(browser.context, `${bankA.origin}/app.html`);
    await start(page, 'cert', (app) => app.kyotsu.getCertificate(), null);
    const notice = page.locator('#kyotsu-notice[data-kind="insert-card"]');
    await notice.waitFor({ state: 'attached' });
    assert.match((await notice.getAttribute('data-text')) ?? '', /Insert your card/);

    await testHook(browser, 'insertUsbCard');
    const read = await outcome<unknown>(page, 'cert');
    // The card in the reader is factory-fresh: the request went on by itself and reached it over USB.
    assert.equal(read.error?.code, 'NO_CERTIFICATE');
    const usbLog = await testHook(browser, 'usbCardLog');
    assert.ok(usbLog.some((entry) => entry.ins === 0xa4), 'SELECT reached the card in the simulated reader');
    await notice.waitFor({ state: 'detached' });

    await options.locator('input[name="cardSource"][value="software"]').check();
    await options.locator('#source-status[data-state="ok"]').waitFor();
    await Promise.all([page.close(), options.close()]);
  });

  it('ignores a page of a non-participating origin: no marker, no answer', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${outsider.origin}/app.html`);
    await page.evaluate(() => window.postMessage({ source: 'kyotsu-page', id: 'p1', request: { type: 'ping' } }, location.origin));
    await page.waitForTimeout(1500); // give a (wrongly) listening content script every chance to answer
    assert.equal(await page.evaluate(() => document.documentElement.dataset.kyotsu ?? null), null);
    const replies = await page.evaluate(() => (window as unknown as AppWindow).pageSeen.filter((m) => m.includes('kyotsu-content')));
    assert.deepEqual(replies, []);
    await page.close();
  });
  it('a background stopped mid-request (MV3 worker killed) fails the page request with BACKGROUND_RESTARTED and tells the prompt window', async () => {
    // Runs last: it stops the service worker this file's other tests talk to.
    const page = await openServicePage(browser.context, `${bankA.origin}/app.html`);
    await start(page, 'login', (app, nonce) => app.kyotsu.authenticate(nonce), NONCE_A);
    const pinWindow = await waitForExtensionWindow(browser, '/pin.html');
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    const stopped = await outcome<unknown>(page, 'login');
    assert.equal(stopped.error?.code, 'BACKGROUND_RESTARTED', 'the page hears a typed error instead of waiting forever');
    await pinWindow.locator('#status', { hasText: 'kyotsu restarted' }).waitFor();
    assert.equal(await pinWindow.locator('#pin').isDisabled(), true, 'the stale PIN window takes no PIN');
    await page.close();
  });
});
