/**
 * Firefox ESR end to end through native messaging, against the REAL participating services (startWorld):
 * the extension (card source "native", chosen in its options page) → `runtime.connectNative('dev.kyotsu.pcsc')`
 * → the host program Firefox starts from the per-user manifest the real `kyotsu host install` wrote
 * (`$HOME/.mozilla/native-messaging-hosts`, under a HOME of this test's own) → pcscd → vpcd → the software
 * PIV card served into the reader as a vpcd client. The first certificate at Bank A (CSR made on the card,
 * certificate written back), automatic login after logging out — Firefox's content script posts the token
 * with the page's own `content.fetch`, so the session cookie lands in the tab's own jar — and then Chromium
 * and Firefox logging in with the one card in the one reader at the same moment: both succeed, and the
 * card's own log shows their operations never overlapped.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startWorld, type World } from '../server/services/world.js';
import { type ChromiumWithExtension, launchChromium } from './support/chromium.js';
import { clickClosing, extensionWindow } from './support/firefox-pages.js';
import { type FirefoxWithExtension, launchFirefox } from './support/firefox.js';
import { openServicePage } from './support/extension-pages.js';
import { chooseNativeHost, NATIVE_WINDOW_TIMEOUT } from './support/native-bank-chromium.js';
import { allow, enterPin, loggedIn, logOut, PIN } from './support/service-steps.js';
import {
  allowFirefox,
  chooseNativeHostFirefox,
  enterPinFirefox,
  loggedInFirefox,
  logOutFirefox,
  openServicePageFirefox,
  passwordLoginFirefox,
} from './support/native-bank-firefox.js';
import { loginsWithoutOverlap, NATIVE_READER_NAME, type NativeRig, startNativeRig } from './support/native-rig.js';

/** Card instructions (SP 800-73-4 part 2, 3.2–3.3): key generation and PUT DATA. */
const INS = { GENERATE: 0x47, PUT_DATA: 0xdb } as const;

describe('Firefox ESR through the native host → pcscd → vpcd → the software card, at the real Bank A; then Chromium alongside', () => {
  let native: NativeRig;
  let world: World;
  let dataDir: string;
  let firefox: FirefoxWithExtension;
  let chromium: ChromiumWithExtension | undefined;
  let bankA: string;

  before(async () => {
    native = await startNativeRig(['firefox', 'chromium']);
    dataDir = await mkdtemp(join(tmpdir(), 'kyotsu-e2e-native-firefox-'));
    world = await startWorld({ dataDir, caPassphrase: 'e2e-native-firefox', ports: 'ephemeral', services: ['bank-a'] });
    bankA = world.origins['bank-a'] ?? assert.fail('no Bank A');
    firefox = await launchFirefox(undefined, { env: { HOME: native.home } });
  });
  after(async () => {
    await chromium?.close();
    await firefox?.close();
    await world?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    await native?.close();
  });

  const calls = (ins: number, since: number): number => native.card.card.log.slice(since).filter((entry) => entry.ins === ins).length;

  it('first certificate at Bank A: the native host chosen in the options page, which lists the reader; key and certificate on the card behind pcscd', async () => {
    const since = native.card.card.log.length;
    const page = await openServicePageFirefox(firefox, `${bankA}/login`);
    await passwordLoginFirefox(page, 'hanako', 'bank-a');
    await loggedInFirefox(page);
    await page.goto(`${bankA}/account`);
    await page.waitForFunction(() => document.documentElement.dataset.kyotsu === 'ready', { timeout: 15_000 });
    await page.click('#enroll');

    // While Bank A waits for consent (before any card access), the holder chooses the native host.
    const consent = await extensionWindow(firefox, '/consent.html', 30_000);
    const readers = await chooseNativeHostFirefox(firefox, consent);
    assert.ok(readers.some((text) => text.startsWith(NATIVE_READER_NAME)), `the options page lists the vpcd reader: ${JSON.stringify(readers)}`);
    await clickClosing(consent, '#allow'); // Bank A may use the card
    await allowFirefox(firefox); // a new key replaces the card's
    await enterPinFirefox(firefox);

    await page.waitForSelector('form[action="/certificate/invalidate"], #script-status.error', { timeout: 60_000 });
    const scriptError = await page.$eval('#script-status', (node) => (node.classList.contains('error') ? node.textContent : null)).catch(() => null);
    assert.equal(scriptError, null);
    assert.match(await page.$eval('#certificate', (node) => node.textContent ?? ''), /[0-9a-f]{8,}/, 'the account page shows the certificate serial');
    assert.equal(calls(INS.GENERATE, since), 1, 'the key pair was generated on the card in the vpcd reader');
    assert.ok(calls(INS.PUT_DATA, since) >= 1, 'the issued certificate was written back to that card');
    await page.close();
  });

  it('logged out, Bank A logs the holder in again by itself; the session cookie is the tab’s own', async () => {
    const page = await openServicePageFirefox(firefox, `${bankA}/`);
    const since = native.card.card.log.length;
    await logOutFirefox(page); // the next page has no session: kyotsu logs in by itself (PIN still cached)
    await loggedInFirefox(page);
    assert.equal(loginsWithoutOverlap(native.card, since).length, 1, 'one login, signed by the card in the vpcd reader');
    // The tab's own cookie jar holds the session: the next page of the service is served logged in.
    await page.goto(`${bankA}/account`);
    await loggedInFirefox(page);
    assert.match(await page.$eval('header nav', (node) => node.textContent ?? ''), /Hanako/);
    await page.close();
  });

  it('Chromium and Firefox log in with the one card in the one reader at the same moment: both succeed, taking turns on the card', async (t) => {
    const browser = await launchChromium(undefined, { env: { HOME: native.home }, userDataDir: native.chromiumProfile });
    chromium = browser;
    await chooseNativeHost(browser);
    // Chromium's first login at Bank A with the card Firefox enrolled: allow Bank A, type the PIN (then cached).
    const inChromium = await openServicePage(browser.context, `${bankA}/login`);
    await inChromium.locator('[data-kyotsu-login]').first().click();
    await allow(browser, NATIVE_WINDOW_TIMEOUT);
    await enterPin(browser, PIN, NATIVE_WINDOW_TIMEOUT);
    await loggedIn(inChromium, NATIVE_WINDOW_TIMEOUT);
    await inChromium.goto(`${bankA}/`);
    await loggedIn(inChromium, NATIVE_WINDOW_TIMEOUT);
    const inFirefox = await openServicePageFirefox(firefox, `${bankA}/`);
    await loggedInFirefox(inFirefox);

    // Both log out at once: each browser's automatic login asks its own host for the card right away.
    const since = native.card.card.log.length;
    await Promise.all([logOut(inChromium), logOutFirefox(inFirefox)]);
    await Promise.all([loggedIn(inChromium, NATIVE_WINDOW_TIMEOUT), loggedInFirefox(inFirefox)]);
    assert.match(await inChromium.locator('header nav').innerText(), /Hanako/);
    assert.match(await inFirefox.$eval('header nav', (node) => node.textContent ?? ''), /Hanako/);
    // The card's own log, cut at every reset: two whole logins, never one inside the other.
    const logins = loginsWithoutOverlap(native.card, since);
    assert.equal(logins.length, 2, 'one login each');
    const [first, second] = logins as [{ start: number; end: number }, { start: number; end: number }];
    assert.ok(second.start >= first.end, 'the second began on the card only after the first ended');
    t.diagnostic(`on the card: first login ${(first.end - first.start).toFixed(0)} ms, the second began ${(second.start - first.end).toFixed(0)} ms after it ended`);
    await inFirefox.close();
    await inChromium.close();
  });
});
