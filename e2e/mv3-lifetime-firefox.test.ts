/**
 * MV3 lifetime in Firefox ESR (issue 7 "a login that waits for the PIN longer than the worker's idle
 * timeout still completes"). Firefox runs the background as an event page and suspends it after
 * `extensions.background.idle.timeout` (30 s, left at its default here). Unlike Chromium, a content script's
 * request still awaiting its answer does not hold it (measured, see background/keepalive.ts): what holds it
 * is the waiting pages posting on their `kyotsu-keepalive` ports every 20 s. puppeteer over WebDriver BiDi
 * attaches to nothing that keeps the event page alive (measured: it is suspended on time under puppeteer).
 *
 * Two Firefox instances go through one 45 s wait side by side, each with the automatic login at the Bank A
 * test page waiting at its PIN window:
 * - the test build as shipped: the login must then complete;
 * - the control, the same build with the keep-alive posts taken out (a copy patched here): its event page
 *   must be suspended mid-login — the proof that the posts are what holds it, and that this test can fail —
 *   and the page must hear BACKGROUND_RESTARTED while the stale PIN window refuses a PIN.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Page } from 'puppeteer-core';
import { toBase64 } from '../src/bytes.js';
import { servicePages } from './fixtures/service-page.js';
import { FIREFOX_TEST_BUILD, type FirefoxWithExtension, launchFirefox } from './support/firefox.js';
import { clickClosing, extensionWindow, locationOf, outcome, start } from './support/firefox-pages.js';
import { type PageServer, servePages } from './support/static-server.js';
import { createTestIssuer, type TestIssuer } from './support/test-issuer.js';

const PIN = '123456';
/** Longer than Firefox's 30 s idle timeout, with room for a suspension to happen. */
const WAIT_MS = 45_000;
/** The keep-alive post as esbuild writes it in pin.js and content.js, and the control's version of it. */
const KEEPALIVE_POST = /(\{ type: "keepalive" \}\)), 2e4\)/g;
const NEVER = '$1, 2147483647)'; // setInterval's longest delay (~24.8 days): no post within the test

/** A private copy of the Firefox test build (a rebuild of dist/ by another run must not pull files from under a browser). */
function copyOfBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kyotsu-build-'));
  cpSync(FIREFOX_TEST_BUILD, dir, { recursive: true });
  return dir;
}

/** A copy of the Firefox test build whose waiting pages never post on their keep-alive ports. */
function buildWithoutKeepAlivePosts(): string {
  const dir = copyOfBuild();
  for (const file of ['pin.js', 'content.js']) {
    const source = readFileSync(join(dir, file), 'utf8');
    const patched = source.replace(KEEPALIVE_POST, NEVER);
    assert.notEqual(patched, source, `the control found no keep-alive post in ${file}: update KEEPALIVE_POST`);
    writeFileSync(join(dir, file), patched);
  }
  return dir;
}

/**
 * Enrolls the software card at Bank A with the PIN cache off (set in the options page, opened from the
 * consent window), then opens Bank A's login page: the automatic login starts and waits at the PIN window.
 */
async function enrollAndStartLogin(firefox: FirefoxWithExtension, bankA: PageServer, issuer: TestIssuer): Promise<{ page: Page; pin: Page }> {
  const app = await firefox.browser.newPage();
  await app.goto(`${bankA.origin}/app.html`);
  await app.waitForFunction(() => document.documentElement.dataset.kyotsu === 'ready', { timeout: 15_000 });
  await start(app, 'keygen', String((a: { kyotsu: { enroll: { generateKey(alg: string): Promise<unknown> } } }) => a.kyotsu.enroll.generateKey('ES256')), null);
  const consent = await extensionWindow(firefox, '/consent.html');
  // WebDriver BiDi may not navigate to moz-extension:// itself: an extension page opens the options page.
  await consent.evaluate(() => (globalThis as unknown as { browser: { runtime: { openOptionsPage(): Promise<void> } } }).browser.runtime.openOptionsPage());
  const options = await extensionWindow(firefox, '/options.html');
  await options.waitForSelector('#background-status[data-state="ok"]');
  await options.$eval('#pin-cache', (input) => ((input as HTMLInputElement).value = '0'));
  await options.click('#pin-cache-save');
  await options.waitForSelector('#login-status[data-state="ok"]');
  await options.close();
  await clickClosing(consent, '#allow'); // Bank A may use the card
  await clickClosing(await extensionWindow(firefox, '/consent.html'), '#allow'); // a new key on the card
  const enrolPin = await extensionWindow(firefox, '/pin.html');
  await enrolPin.waitForFunction(() => /\d/.test(document.getElementById('retries')?.textContent ?? ''));
  await enrolPin.type('#pin', PIN);
  await clickClosing(enrolPin, '#submit');
  const keygen = await outcome<{ enrollmentId: string; csr: string }>(app, 'keygen');
  assert.equal(keygen.error, undefined, JSON.stringify(keygen.error));
  const der = toBase64(await issuer.issue(keygen.value!.csr, 'Hanako Yamada'));
  await start(app, 'write', String((a: { kyotsu: { enroll: { writeCertificate(id: string, der: string): Promise<unknown> } } }, arg: { id: string; der: string }) => a.kyotsu.enroll.writeCertificate(arg.id, arg.der)), { id: keygen.value!.enrollmentId, der });
  const written = await outcome<{ subject: string }>(app, 'write');
  assert.equal(written.value?.subject, 'CN=Hanako Yamada', JSON.stringify(written.error));
  await app.close();

  const page = await firefox.browser.newPage();
  await page.goto(`${bankA.origin}/login.html`); // an approved provider, no session: the automatic login starts
  const pin = await extensionWindow(firefox, '/pin.html');
  await pin.waitForFunction(() => /\d/.test(document.getElementById('retries')?.textContent ?? ''));
  return { page, pin };
}

describe('MV3 lifetime in Firefox ESR: an automatic login waiting 45 s for the PIN (event page idle timeout 30 s)', () => {
  let bankA: PageServer;
  let issuer: TestIssuer;
  let controlBuild = '';
  let shippedBuild = '';
  let shipped: FirefoxWithExtension;
  let control: FirefoxWithExtension;
  let kept: { page: Page; pin: Page };
  let unkept: { page: Page; pin: Page };

  before(async () => {
    controlBuild = buildWithoutKeepAlivePosts();
    [bankA, issuer] = await Promise.all([servicePages('Bank A').then(servePages), createTestIssuer()]);
    shippedBuild = copyOfBuild();
    [shipped, control] = await Promise.all([launchFirefox(shippedBuild), launchFirefox(controlBuild)]);
    [kept, unkept] = await Promise.all([enrollAndStartLogin(shipped, bankA, issuer), enrollAndStartLogin(control, bankA, issuer)]);
    await new Promise((resolve) => setTimeout(resolve, WAIT_MS)); // the one long wait: the holder is slow
  });
  after(async () => {
    await Promise.all([shipped?.close(), control?.close(), bankA?.close()]);
    for (const dir of [controlBuild, shippedBuild]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('with the keep-alive posts the event page stays: the PIN typed after 45 s logs the tab in', async () => {
    assert.equal(await kept.pin.$eval('#status', (node) => node.textContent ?? ''), '', 'the PIN window still waits');
    await kept.pin.type('#pin', PIN);
    await clickClosing(kept.pin, '#submit');
    await kept.page.waitForFunction(() => location.pathname === '/welcome.html', { timeout: 20_000 });
    assert.equal(new URL((await locationOf(kept.page))!).pathname, '/welcome.html');
  });

  it('without them Firefox suspends the event page mid-login: the page hears BACKGROUND_RESTARTED, the stale PIN window takes no PIN', async () => {
    await unkept.page.waitForSelector('[data-kyotsu-auto-login-error]', { timeout: 15_000 });
    assert.equal(await unkept.page.$eval('[data-kyotsu-auto-login-error]', (node) => (node as HTMLElement).dataset.kyotsuAutoLoginError), 'BACKGROUND_RESTARTED');
    assert.match(await unkept.pin.$eval('#status', (node) => node.textContent ?? ''), /kyotsu restarted/);
    assert.equal(await unkept.pin.$eval('#pin', (node) => (node as HTMLInputElement).disabled), true);
  });
});
