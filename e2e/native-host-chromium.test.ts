/**
 * Chromium end to end through native messaging, against the REAL participating services (startWorld):
 * the extension (card source "native", chosen in its options page) → `runtime.connectNative('dev.kyotsu.pcsc')`
 * → the host program Chromium starts from the per-user manifest the real `kyotsu host install` wrote
 * (`$HOME/.config/chromium/NativeMessagingHosts`, allowing kyotsu's pinned Chrome extension ID — the test
 * build carries the manifest `key`) → pcscd → vpcd → the software PIV card served into the reader as a vpcd
 * client. One holder, in order: the first certificate at Bank A (CSR made on the card, certificate written
 * back to it), automatic login after logging out, the card pulled out mid-login (a clear error in the page,
 * the next login works once it is back), pcscd restarted under the host (the next login just works,
 * served by the same host process), and the host let go as soon as the holder chooses another card source.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHROME_EXTENSION_ID } from '../src/extension-ids.js';
import { startWorld, type World } from '../server/services/world.js';
import { type ChromiumWithExtension, launchChromium } from './support/chromium.js';
import { openOptions, openServicePage, waitForExtensionWindow } from './support/extension-pages.js';
import { chooseNativeHost, NATIVE_WINDOW_TIMEOUT } from './support/native-bank-chromium.js';
import { ACTIVE, allow, enterPin, loggedIn, logOut, passwordLogin, PIN, setPinCache } from './support/service-steps.js';
import { loginsWithoutOverlap, NATIVE_READER_NAME, type NativeRig, startNativeRig } from './support/native-rig.js';

/** Card instructions (SP 800-73-4 part 2, 3.2–3.3): key generation, PUT DATA, GENERAL AUTHENTICATE. */
const INS = { GENERATE: 0x47, PUT_DATA: 0xdb, GENERAL_AUTHENTICATE: 0x87 } as const;

/** Host processes started so far, by their log's first line. */
function hostStarts(log: string): number {
  return log.split('\n').filter((line) => line.includes(`info: started for chrome-extension://${CHROME_EXTENSION_ID}/`)).length;
}

/** Host processes stopped so far. */
function hostStops(log: string): number {
  return log.split('\n').filter((line) => /kyotsu-host\[\d+\] info: stopped$/.test(line)).length;
}

describe('Chromium through the native host → pcscd → vpcd → the software card, at the real Bank A', () => {
  let native: NativeRig;
  let world: World;
  let dataDir: string;
  let browser: ChromiumWithExtension;
  let bankA: string;

  before(async () => {
    native = await startNativeRig(['chromium']);
    dataDir = await mkdtemp(join(tmpdir(), 'kyotsu-e2e-native-chromium-'));
    world = await startWorld({ dataDir, caPassphrase: 'e2e-native-chromium', ports: 'ephemeral', services: ['bank-a'] });
    bankA = world.origins['bank-a'] ?? assert.fail('no Bank A');
    browser = await launchChromium(undefined, { env: { HOME: native.home }, userDataDir: native.chromiumProfile });
    assert.equal(browser.extensionId, CHROME_EXTENSION_ID, 'the pinned ID the host manifest allows');
  });
  after(async () => {
    await browser?.close();
    await world?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    await native?.close();
  });

  /** The card's log entries with instruction `ins` since `since`. */
  const calls = (ins: number, since: number): number => native.card.card.log.slice(since).filter((entry) => entry.ins === ins).length;

  it('first certificate at Bank A: the options page finds the host and the reader; the key is made and the certificate written on the card behind pcscd', async () => {
    const readers = await chooseNativeHost(browser);
    assert.ok(readers.some((text) => text.startsWith(NATIVE_READER_NAME)), `the options page lists the vpcd reader: ${JSON.stringify(readers)}`);
    const since = native.card.card.log.length;

    const page = await openServicePage(browser.context, `${bankA}/login`);
    await passwordLogin(page, 'hanako', 'bank-a');
    await loggedIn(page, NATIVE_WINDOW_TIMEOUT);
    await page.goto(`${bankA}/account`);
    await page.locator('#enroll').click();
    await allow(browser, NATIVE_WINDOW_TIMEOUT); // Bank A may use the card
    await allow(browser, NATIVE_WINDOW_TIMEOUT); // a new key replaces the card's
    await enterPin(browser, PIN, NATIVE_WINDOW_TIMEOUT);
    await page.locator('form[action="/certificate/invalidate"], #script-status.error').first().waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('#script-status.error').count(), 0, await page.locator('#script-status').innerText().catch(() => ''));
    assert.match(await page.locator('#certificate').innerText(), /[0-9a-f]{8,}/, 'the account page shows the certificate serial');
    assert.equal(calls(INS.GENERATE, since), 1, 'the key pair was generated on the card in the vpcd reader');
    assert.ok(calls(INS.PUT_DATA, since) >= 1, 'the issued certificate was written back to that card');
    await page.close();
  });

  it('logged out, Bank A logs the holder in again by itself with the card behind pcscd', async () => {
    const page = await openServicePage(browser.context, `${bankA}/`);
    const since = native.card.card.log.length;
    await logOut(page); // the next page has no session: kyotsu logs in by itself (PIN still cached)
    await loggedIn(page, NATIVE_WINDOW_TIMEOUT);
    assert.match(await page.locator('header nav').innerText(), /Hanako/);
    assert.equal(loginsWithoutOverlap(native.card, since).length, 1, 'one login, signed by the card in the vpcd reader');
    await page.close();
  });

  it('the card pulled out mid-login: the page says so, and with the card back the next login works', async (t) => {
    await setPinCache(browser, 0); // every login asks for the PIN: the card is held while the holder types it
    const page = await openServicePage(browser.context, `${bankA}/`);
    await logOut(page); // automatic login starts, opens the card, and asks for the PIN
    const pinWindow = await waitForExtensionWindow(browser, '/pin.html', 30_000);
    await native.card.remove();
    await pinWindow.locator('#pin').fill(PIN);
    await pinWindow.locator('#submit').click().catch((error: unknown) => {
      if (!(error instanceof Error && /closed/i.test(error.message))) throw error; // the window went with the failed operation
    });
    const alert = page.locator('[data-kyotsu-auto-login-error]');
    await alert.waitFor({ timeout: 30_000 });
    assert.equal(await alert.getAttribute('data-kyotsu-auto-login-error'), 'CARD_REMOVED');
    const said = await alert.innerText();
    t.diagnostic(`the page says: ${said}`);
    assert.match(said, /could not log you in.*removed/is, 'a sentence saying the card was removed');
    assert.equal(await page.locator(ACTIVE).count(), 0, 'not logged in');

    await native.card.insert();
    await page.locator('[data-kyotsu-login]').first().click(); // the holder tries again: nothing else to do
    await enterPin(browser, PIN, NATIVE_WINDOW_TIMEOUT);
    await loggedIn(page, NATIVE_WINDOW_TIMEOUT);
    assert.match(await page.locator('header nav').innerText(), /Hanako/);
    await page.close();
  });

  // Last: it replaces pcscd.
  it('pcscd restarted under the host: the next login works by itself, through the same host process', async () => {
    const startsBefore = hostStarts(await native.hostLog());
    assert.ok(startsBefore >= 1, 'a host is running for the extension');
    await native.restartPcscd();
    const since = native.card.card.log.length;

    const page = await openServicePage(browser.context, `${bankA}/`);
    await logOut(page); // automatic login; the restart cleared the cached PIN (the card was reset), so it asks
    await enterPin(browser, PIN, NATIVE_WINDOW_TIMEOUT);
    await loggedIn(page, NATIVE_WINDOW_TIMEOUT);
    assert.equal(loginsWithoutOverlap(native.card, since).length, 1, 'signed by the card behind the new pcscd');
    const log = await native.hostLog();
    assert.equal(hostStarts(log), startsBefore, `no host was started again: the running one reconnected to pcscd\n${log.slice(-3000)}`);
    await page.close();
  });

  it('choosing another card source in the options page lets the host go: its process stops', async () => {
    const options = await openOptions(browser);
    await options.locator('input[name="cardSource"][value="software"]').check();
    await options.locator('#source-status[data-state="ok"]').waitFor();
    await options.close();
    // Every host process Chromium started has stopped, the long-lived one included (it would idle on for minutes).
    const deadline = Date.now() + 15_000;
    let log = await native.hostLog();
    while (hostStops(log) < hostStarts(log) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      log = await native.hostLog();
    }
    assert.equal(hostStops(log), hostStarts(log), `a host still runs after the switch\n${log.slice(-2000)}`);
  });
});
