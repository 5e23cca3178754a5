/**
 * The extension against the REAL participating services (server/services, startWorld) in Chromium, where
 * several tabs share one card, where a login does not work, and with the card in the simulated WebUSB
 * reader of the test build. One holder's story, in order, in one browser:
 * - Hanako gets her first certificate at Bank A (software card);
 * - two tabs opening Bank A at once share ONE automatic login (one GENERAL AUTHENTICATE on the card);
 * - a Bank A whose logged-in pages lack the session signal is logged in once, not forever, and she is told;
 * - she qualifies at Card Co. (the activity shows the service asked to register first);
 * - two tabs logging in to Bank A and Card Co. at once take turns on the card: no overlap in the card's own
 *   log, and the second tab showed "card in use — waiting";
 * - "Log in with your card" failures are explained on the service page: PIN cancelled, and the service's
 *   refusal of an invalidated certificate (the activity shows the service refused it);
 * - Taro's card in the simulated USB reader: first certificate at Bank A, automatic login, and the card
 *   taken out then put back: "insert your card", and the login goes on by itself.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Page } from 'playwright-core';
import { startWorld, type World } from '../server/services/world.js';
import { type ChromiumWithExtension, launchChromium } from './support/chromium.js';
import { clickClosing, openOptions, openServicePage, waitForExtensionWindow } from './support/extension-pages.js';
import {
  ACTIVE,
  activity,
  dropSessions,
  enterPin,
  getCertificate,
  INS_GENERAL_AUTHENTICATE,
  loggedIn,
  logOut,
  passwordLogin,
  PIN,
  qualify,
  setAutoLogin,
  setPinCache,
  testHook,
} from './support/service-steps.js';

const SEEN = 'kyotsu-e2e-seen';

/**
 * Test observer, in every page from its start: what the kyotsu content script showed the page (its notice
 * kinds, posted to the page, and the banner's text), kept in sessionStorage so it survives the tab's own
 * navigations (an automatic login ends on another page). Plain JavaScript text: tsx would wrap the inner
 * functions of a TypeScript function in helpers the page does not have.
 */
const RECORD_NOTICES = `(() => {
  const key = ${JSON.stringify(SEEN)};
  function add(item) {
    const seen = JSON.parse(sessionStorage.getItem(key) || '[]');
    if (seen[seen.length - 1] !== item) sessionStorage.setItem(key, JSON.stringify(seen.concat([item])));
  }
  addEventListener('message', (event) => {
    const data = event.data;
    if (data && data.source === 'kyotsu-content' && data.notice && typeof data.notice.kind === 'string') add(data.notice.kind);
  });
  new MutationObserver(() => {
    const host = document.getElementById('kyotsu-notice');
    if (host && host.dataset.text) add('text:' + host.dataset.text);
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-text'] });
})();`;

/** What the content script showed this tab so far (see `RECORD_NOTICES`). */
async function seenIn(page: Page): Promise<string[]> {
  return page.evaluate((key) => JSON.parse(sessionStorage.getItem(key) ?? '[]') as string[], SEEN);
}

/** How many signatures (GENERAL AUTHENTICATE) the software card has made. */
async function signatures(browser: ChromiumWithExtension): Promise<number> {
  return (await testHook(browser, 'softwareCardLog')).filter((entry) => entry.ins === INS_GENERAL_AUTHENTICATE).length;
}

/** Opens `count` tabs and navigates them all to `urls` at the same moment. */
async function openAtOnce(browser: ChromiumWithExtension, urls: readonly string[]): Promise<Page[]> {
  const pages = await Promise.all(urls.map(() => browser.context.newPage()));
  await Promise.all(pages.map((page, i) => page.goto(urls[i]!)));
  return pages;
}

describe('Chromium against the participating services: tabs sharing one card, failures on the page, the WebUSB reader', () => {
  let browser: ChromiumWithExtension;
  let world: World;
  let dataDir: string;
  let bankA: string;
  let cardCo: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kyotsu-e2e-tabs-'));
    world = await startWorld({ dataDir, caPassphrase: 'e2e-tabs-passphrase', ports: 'ephemeral', services: ['bank-a', 'card-co'] });
    bankA = world.origins['bank-a'] ?? assert.fail('no Bank A');
    cardCo = world.origins['card-co'] ?? assert.fail('no Card Co.');
    browser = await launchChromium();
    await browser.context.addInitScript({ content: RECORD_NOTICES });
  });
  after(async () => {
    await browser?.close();
    await world?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('first certificate at Bank A after the password (software card)', async () => {
    const page = await openServicePage(browser.context, `${bankA}/login`);
    await passwordLogin(page, 'hanako', 'bank-a');
    await loggedIn(page);
    await getCertificate(browser, page, bankA, 2); // Bank A may use the card; a new key replaces the card's
    await page.close();
  });

  it('two tabs opening Bank A at once share one automatic login: one signature on the card, both tabs logged in', async () => {
    await dropSessions(browser.context);
    const before = await signatures(browser);
    const pages = await openAtOnce(browser, [`${bankA}/`, `${bankA}/`]);
    for (const page of pages) {
      await loggedIn(page);
      assert.match(await page.locator('header nav').innerText(), /Hanako/);
    }
    assert.equal((await signatures(browser)) - before, 1, 'one GENERAL AUTHENTICATE for both tabs');
    const [newest] = await activity(browser);
    assert.equal(newest?.origin, bankA);
    assert.deepEqual(newest?.verdict, { outcome: 'logged-in', code: null }, 'the activity shows Bank A took the login');
    await Promise.all(pages.map((page) => page.close()));
  });

  it('a service whose logged-in pages lack the session signal is logged in once, not again and again, and the holder is told once', async () => {
    await dropSessions(browser.context);
    const page = await browser.context.newPage();
    // This Bank A "forgets" to mark its logged-in pages (the signal the extension relies on).
    await page.route(`${bankA}/**`, async (route) => {
      if (route.request().resourceType() !== 'document') return route.continue();
      const response = await route.fetch();
      await route.fulfill({ response, body: (await response.text()).replace('<meta name="kyotsu-session" content="active">', '') });
    });
    const before = await signatures(browser);
    await page.goto(`${bankA}/`);
    const alert = page.locator('[role="alert"][data-kyotsu-auto-login-error="SESSION_NOT_KEPT"]');
    await alert.waitFor({ timeout: 20_000 });
    assert.match(await alert.innerText(), /Bank A did not keep your card login/);
    assert.match(await page.locator('header nav').innerText(), /Hanako/, 'the login itself worked');
    assert.equal((await signatures(browser)) - before, 1);

    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.kyotsu === 'ready');
    await page.waitForTimeout(1500); // give a (wrongly) looping automatic login every chance to start
    assert.equal((await signatures(browser)) - before, 1, 'no second login by itself');
    assert.equal(await alert.count(), 0, 'told once, not on every page');

    // The service's real pages show the live session again: automatic login is back for later visits.
    await page.unrouteAll();
    await page.goto(`${bankA}/`);
    await loggedIn(page);
    await page.close();
  });

  it('qualify at Card Co.: the activity shows the service asked to register the certificate first', async () => {
    const page = await qualify(browser, cardCo, 'card-co');
    const entry = (await activity(browser)).find((e) => e.origin === cardCo && e.operation === 'authenticate');
    assert.equal(entry?.result, 'ok', 'the card signed');
    assert.deepEqual(entry?.verdict, { outcome: 'qualify-required', code: null });
    const options = await openOptions(browser);
    const cell = options.locator('#activity td[data-verdict="qualify-required"]').first();
    assert.match(await cell.innerText(), /register the certificate first/);
    await Promise.all([page.close(), options.close()]);
  });

  it('two tabs logging in to Bank A and Card Co. at once both succeed, one at a time on the card; the second showed "card in use — waiting"', async () => {
    // Every login asks for the PIN inside its turn on the card: while the first tab's PIN window waits, the
    // card is that tab's, so the other tab must be waiting — no race on timing decides it.
    await setPinCache(browser, 0);
    await dropSessions(browser.context);
    const logStart = (await testHook(browser, 'softwareCardLog')).length;
    const pages = await openAtOnce(browser, [`${bankA}/`, `${cardCo}/`]);
    const firstPin = await waitForExtensionWindow(browser, '/pin.html');
    await Promise.any(
      pages.map((page) => page.waitForFunction((key) => (JSON.parse(sessionStorage.getItem(key) ?? '[]') as string[]).includes('card-busy'), SEEN, { timeout: 20_000 })),
    );
    await firstPin.locator('#pin').fill(PIN);
    await clickClosing(firstPin, '#submit');
    await enterPin(browser); // the second tab's turn
    for (const page of pages) {
      await loggedIn(page);
      assert.match(await page.locator('header nav').innerText(), /Hanako/);
    }

    const log = (await testHook(browser, 'softwareCardLog')).slice(logStart);
    assert.equal(log.filter((entry) => entry.ins === INS_GENERAL_AUTHENTICATE).length, 2);
    for (let i = 1; i < log.length; i++) assert.ok(log[i]!.startedAt >= log[i - 1]!.endedAt, 'no two APDUs overlapped on the card');
    const seen = await Promise.all(pages.map(seenIn));
    const waited = seen.filter((kinds) => kinds.includes('card-busy'));
    assert.equal(waited.length, 1, `exactly the second tab waited: ${JSON.stringify(seen)}`);
    assert.ok(waited[0]!.some((item) => /^text:Card in use — waiting/.test(item)), `it said so: ${JSON.stringify(waited[0])}`);
    await Promise.all(pages.map((page) => page.close()));
  });

  it('one-click at Card Co.: a cancelled PIN entry is explained on the service page', async () => {
    await setAutoLogin(browser, false);
    await setPinCache(browser, 0); // every login asks for the PIN
    await dropSessions(browser.context);
    const page = await openServicePage(browser.context, `${cardCo}/login`);
    await page.locator('[data-kyotsu-login]').click();
    await clickClosing(await waitForExtensionWindow(browser, '/pin.html'), '#cancel');
    const alert = page.locator('[role="alert"]#card-login-error');
    await alert.waitFor({ timeout: 20_000 });
    assert.match(await alert.innerText(), /You cancelled the PIN entry, so you are not logged in/);
    assert.equal(await page.locator(ACTIVE).count(), 0);
    await page.close();
  });

  it('one-click at Bank A with an invalidated certificate: the service’s refusal is on the page, and the activity says the service refused it', async () => {
    const page = await openServicePage(browser.context, `${bankA}/login`);
    await passwordLogin(page, 'hanako', 'bank-a');
    await loggedIn(page);
    await page.goto(`${bankA}/account`);
    await page.locator('form[action="/certificate/invalidate"] button').click();
    await page.locator('.flash').filter({ hasText: /invalidated/ }).waitFor();
    await logOut(page); // automatic login is off: the landing page waits for a click
    await page.locator('[data-kyotsu-login]').click();
    await enterPin(browser);
    const alert = page.locator('[role="alert"]#card-login-error');
    await alert.waitFor({ timeout: 20_000 });
    assert.match(await alert.innerText(), /invalidated and can no longer be used/);

    const [newest] = await activity(browser);
    assert.equal(newest?.origin, bankA);
    assert.equal(newest?.result, 'ok', 'the card signed');
    assert.deepEqual(newest?.verdict, { outcome: 'refused', code: 'CERTIFICATE_REVOKED' }, 'and Bank A refused the token');
    const options = await openOptions(browser);
    const cell = options.locator('#activity td[data-verdict="refused:CERTIFICATE_REVOKED"]').first();
    assert.match(await cell.innerText(), /refused by the service: Your common certificate has been invalidated/);
    await Promise.all([page.close(), options.close()]);
  });

  it('the simulated WebUSB reader: first certificate at Bank A for Taro, then his automatic login with the card in the reader', async () => {
    const options = await openOptions(browser);
    await options.locator('#usb-pair').click();
    await options.locator('#source-status[data-state="ok"]').waitFor();
    assert.equal(await options.locator('input[name="cardSource"][value="webusb"]').isChecked(), true);
    await options.close();

    await dropSessions(browser.context);
    const page = await openServicePage(browser.context, `${bankA}/login`);
    await passwordLogin(page, 'taro', 'bank-a');
    await loggedIn(page);
    await getCertificate(browser, page, bankA, 1); // Bank A is approved already: only the new key is asked
    const usbSignatures = async () => (await testHook(browser, 'usbCardLog')).filter((entry) => entry.ins === INS_GENERAL_AUTHENTICATE).length;
    const softwareBefore = await signatures(browser);
    const usbBefore = await usbSignatures();

    await setAutoLogin(browser, true);
    await dropSessions(browser.context);
    await page.goto(`${bankA}/`);
    await enterPin(browser); // the PIN cache is off
    await loggedIn(page);
    assert.match(await page.locator('header nav').innerText(), /Taro/);
    assert.equal((await usbSignatures()) - usbBefore, 1, 'the card in the USB reader signed');
    assert.equal((await signatures(browser)) - softwareBefore, 0, 'the software card did not');
    await page.close();
  });

  it('the card taken out of the USB reader: "insert your card" shows, and the login goes on by itself when it is back', async () => {
    await testHook(browser, 'removeUsbCard');
    await dropSessions(browser.context);
    const page = await browser.context.newPage();
    await page.goto(`${bankA}/`);
    const notice = page.locator('#kyotsu-notice[data-kind="insert-card"]');
    await notice.waitFor({ state: 'attached', timeout: 20_000 });
    assert.match((await notice.getAttribute('data-text')) ?? '', /Insert your card/);

    await testHook(browser, 'insertUsbCard');
    await enterPin(browser);
    await loggedIn(page);
    assert.ok((await seenIn(page)).includes('insert-card'), 'the page itself heard "insert your card" too');
    assert.match(await page.locator('header nav').innerText(), /Taro/);
    await page.close();
  });
});
