/**
 * The extension against the REAL participating services (server/services, startWorld) in Firefox ESR
 * (puppeteer-core over WebDriver BiDi), with the software card inside the extension (test build, a private
 * copy). One holder's story, in order, in one browser and on one card:
 * first certificate at Bank A after the password; automatic login at Bank A on the next visit; qualify at
 * Bank B (card → password → confirm); one-click login at Card Co. after qualifying there; the portal's
 * statement page filled by the extension after ONE card signature, the sessions its background logins
 * started landing in the browser's own cookie jar; a wrong PIN showing the tries left, the third blocking
 * it, the PUK unblocking it in the options page; and the invalidated certificate's login refused with the
 * service's own words on the page.
 *
 * The options page, opened once from the first consent window (WebDriver BiDi may not navigate to
 * moz-extension:// itself), stays open: the test switches settings there and reads the background through it.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Page } from 'puppeteer-core';
import { startWorld, type World } from '../server/services/world.js';
import { FIREFOX_TEST_BUILD, type FirefoxWithExtension, launchFirefox } from './support/firefox.js';
import { clickClosing, extensionWindow } from './support/firefox-pages.js';
import {
  activityFirefox,
  dropSessionsFirefox,
  getCertificateFirefox,
  notificationsSeenFirefox,
  openOptionsFirefox,
  qualifyFirefox,
  serviceCookies,
  setAutoLoginFirefox,
  setPinCacheFirefox,
  signaturesFirefox,
  textOf,
  watchNotificationsFirefox,
} from './support/firefox-service-steps.js';
import { enterPinFirefox, loggedInFirefox, logOutFirefox, openServicePageFirefox, passwordLoginFirefox } from './support/native-bank-firefox.js';

const ACTIVE = 'meta[name="kyotsu-session"][content="active"]';
/** The services' session cookies (server/services/shared/app.ts names them after the service id). */
const SERVICE_COOKIES = /^kyotsu_(bank_a|bank_b|card_co)_sid$/;

interface RegionView { state: string | null; text: string; error: string | null }

/** Opens the portal's statement page and waits until every enrolled region shows its outcome. */
async function openStatement(firefox: FirefoxWithExtension, portal: string): Promise<{ page: Page; regions: Record<string, RegionView> }> {
  const page = await openServicePageFirefox(firefox, `${portal}/statement`);
  await page.waitForSelector('[data-kyotsu-statement]');
  await page.waitForFunction(
    () => [...document.querySelectorAll<HTMLElement>('[data-kyotsu-region][data-enrolled="true"]')].every((r) => ['ok', 'failed', 'not-enrolled', 'login-required'].includes(r.dataset.regionState ?? '')),
    { timeout: 30_000, polling: 100 },
  );
  const regions = await page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll<HTMLElement>('[data-kyotsu-region]')].map((r) => [
        r.dataset.kyotsuRegion!,
        { state: r.dataset.regionState ?? null, text: r.innerText, error: r.querySelector<HTMLElement>('[data-region-error]')?.dataset.regionError ?? null },
      ]),
    ),
  );
  return { page, regions };
}

describe('Firefox ESR against the participating services: enroll, automatic login, qualify, one-click, statement, PIN, invalidated', () => {
  let firefox: FirefoxWithExtension;
  let world: World;
  let dataDir: string;
  let build: string;
  let options: Page;
  let origin: (id: string) => string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kyotsu-e2e-world-firefox-'));
    world = await startWorld({ dataDir, caPassphrase: 'e2e-world-firefox', ports: 'ephemeral', services: ['portal', 'bank-a', 'bank-b', 'card-co'] });
    origin = (id) => world.origins[id] ?? assert.fail(`no service ${id}`);
    // A private copy: a rebuild of dist/ by another run must not pull files from under this browser.
    build = mkdtempSync(join(tmpdir(), 'kyotsu-build-'));
    cpSync(FIREFOX_TEST_BUILD, build, { recursive: true });
    firefox = await launchFirefox(build);
  });
  after(async () => {
    await firefox?.close();
    await world?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (build) rmSync(build, { recursive: true, force: true });
  });

  it('first certificate at Bank A after the password: consent and PIN in the extension windows, the serial recorded', async () => {
    const page = await openServicePageFirefox(firefox, `${origin('bank-a')}/login`);
    await passwordLoginFirefox(page, 'hanako', 'bank-a');
    await loggedInFirefox(page);
    await getCertificateFirefox(firefox, page, origin('bank-a'), async (consent) => {
      options = await openOptionsFirefox(firefox, consent); // kept open for the rest of the story
    });
    await page.close();
  });

  it('automatic login at Bank A on the next visit: no click, the tab lands logged in, the activity says automatic', async () => {
    const page = await openServicePageFirefox(firefox, `${origin('bank-a')}/`);
    await loggedInFirefox(page);
    const before = await signaturesFirefox(options);
    await watchNotificationsFirefox(options);
    await logOutFirefox(page); // the next page has no session: kyotsu logs in by itself (PIN still cached)
    await loggedInFirefox(page);
    assert.match(await textOf(page, 'header nav'), /Hanako/);
    assert.equal((await signaturesFirefox(options)) - before, 1, 'one card signature');
    const entries = await activityFirefox(options);
    assert.ok(entries.some((e) => e.origin === origin('bank-a') && e.operation === 'authenticate' && e.result === 'ok' && e.automatic), JSON.stringify(entries));
    // The notification follows once Bank A has answered the login.
    let shown = await notificationsSeenFirefox(options);
    for (let i = 0; i < 50 && !shown.some((id) => id.startsWith('kyotsu-login-')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      shown = await notificationsSeenFirefox(options);
    }
    assert.ok(shown.some((id) => id.startsWith('kyotsu-login-')), `a notification follows the automatic login: ${shown.join(', ')}`);
    // Session reuse: the session cookie is the tab's own, so the next page is served logged in, unsigned.
    await page.goto(`${origin('bank-a')}/account`);
    await loggedInFirefox(page);
    assert.equal((await signaturesFirefox(options)) - before, 1, 'navigating within the session signs nothing more');
    await page.close();
  });

  it('qualify at Bank B: card, then the Bank B password once, then confirm', async () => {
    const page = await qualifyFirefox(firefox, origin('bank-b'), 'bank-b');
    assert.match(await textOf(page, '.flash'), /now works at/);
    await page.close();
  });

  it('one-click login at Card Co. after qualifying there', async () => {
    const page = await qualifyFirefox(firefox, origin('card-co'), 'card-co');
    assert.match(await textOf(page, '.flash'), /now works at/);
    await setAutoLoginFirefox(options, false);
    try {
      await logOutFirefox(page);
      await page.waitForFunction(() => document.documentElement.dataset.kyotsu === 'ready', { timeout: 15_000 });
      assert.equal(await page.$(ACTIVE), null, 'with automatic login off the visitor stays logged out');
      const before = await signaturesFirefox(options);
      await page.click('[data-kyotsu-login]');
      await loggedInFirefox(page);
      assert.match(await textOf(page, 'header nav'), /Hanako/);
      assert.equal((await signaturesFirefox(options)) - before, 1, 'one click, one signature');
      const last = (await activityFirefox(options)).find((e) => e.origin === origin('card-co') && e.operation === 'authenticate');
      assert.equal(last?.automatic, false, 'the login was the holder’s click, not an automatic one');
    } finally {
      await setAutoLoginFirefox(options, true);
    }
    await page.close();
  });

  it('the portal statement page shows Bank A, Bank B and Card Co. after exactly ONE card signature; the sessions land in the browser', async () => {
    await (await qualifyFirefox(firefox, origin('portal'), 'portal')).close();
    // The statement page wants a portal session logged in with the certificate: automatic login there.
    await dropSessionsFirefox(firefox, /^kyotsu_portal_sid$/);
    await (await openServicePageFirefox(firefox, `${origin('portal')}/`).then(async (portal) => (await loggedInFirefox(portal), portal))).close();
    await dropSessionsFirefox(firefox, SERVICE_COOKIES); // no live session at any of the three
    const before = await signaturesFirefox(options);
    const noticesBefore = await notificationsSeenFirefox(options);
    const { page, regions } = await openStatement(firefox, origin('portal'));
    for (const id of ['bank-a', 'bank-b', 'card-co']) {
      assert.equal(regions[id]?.state, 'ok', `${id}: ${regions[id]?.error} ${regions[id]?.text}`);
      assert.match(regions[id]?.text ?? '', /Balance: \S+/);
    }
    assert.equal((await signaturesFirefox(options)) - before, 1, 'one GENERAL AUTHENTICATE for three logins');
    const newNotices = async (): Promise<string[]> => (await notificationsSeenFirefox(options)).filter((id) => id.startsWith('kyotsu-login-') && !noticesBefore.includes(id));
    for (let i = 0; i < 50 && (await newNotices()).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await newNotices()).length, 1, 'the holder did not click: ONE notification for the three logins');
    // Firefox's background fetch (moz-extension:// with host permissions) is first-party to each service:
    // the session cookies its logins got are in the browser's own jar, not a partition of the extension's,
    // so each service's tab is logged in without signing again (automatic login would sign if it were not).
    const cookies = await serviceCookies(firefox, SERVICE_COOKIES);
    assert.deepEqual(cookies.map((cookie) => cookie.name).sort(), ['kyotsu_bank_a_sid', 'kyotsu_bank_b_sid', 'kyotsu_card_co_sid']);
    assert.deepEqual(cookies.filter((cookie) => cookie.partitionKey !== undefined), [], 'no session cookie is partitioned');
    for (const id of ['bank-a', 'bank-b', 'card-co']) {
      const tab = await openServicePageFirefox(firefox, `${origin(id)}/account`);
      await loggedInFirefox(tab);
      assert.equal((await signaturesFirefox(options)) - before, 1, `the ${id} tab uses the session the statement login started`);
      await tab.close();
    }
    await page.close();
    // And the background's requests carry the jar's cookies: opened again, the page shows all three unsigned.
    const again = await openStatement(firefox, origin('portal'));
    for (const id of ['bank-a', 'bank-b', 'card-co']) assert.equal(again.regions[id]?.state, 'ok', `${id}: ${again.regions[id]?.error} ${again.regions[id]?.text}`);
    assert.equal((await signaturesFirefox(options)) - before, 1, 'no signature while the sessions live');
    await again.page.close();
  });

  it('a wrong PIN shows the tries left, the third blocks it (PIN_BLOCKED), and the PUK unblocks it in the options page', async () => {
    await setPinCacheFirefox(options, 0); // no cached PIN: every login asks
    const page = await openServicePageFirefox(firefox, `${origin('bank-b')}/login`);
    await page.click('[data-kyotsu-login]');
    const prompt = await extensionWindow(firefox, '/pin.html', 20_000);
    for (const left of ['2', '1']) {
      await prompt.$eval('#pin', (input) => ((input as HTMLInputElement).value = ''));
      await prompt.type('#pin', '000000');
      await prompt.click('#submit');
      await prompt.waitForFunction((n) => new RegExp(`: ${n}$`).test(document.getElementById('retries')?.textContent ?? ''), { timeout: 15_000 }, left);
      assert.match(await textOf(prompt, '#status'), /Wrong PIN/);
    }
    await prompt.$eval('#pin', (input) => ((input as HTMLInputElement).value = ''));
    await prompt.type('#pin', '000000');
    await clickClosing(prompt, '#submit'); // the PIN window goes with the operation
    const button = await page.waitForSelector('[data-kyotsu-login][data-kyotsu-error]', { timeout: 15_000 });
    assert.equal(await button!.evaluate((node) => node.getAttribute('data-kyotsu-error')), 'PIN_BLOCKED');

    await options.type('#unblock-pin input[name="puk"]', '12345678');
    await options.type('#unblock-pin input[name="newPin"]', '654321');
    await options.type('#unblock-pin input[name="repeatPin"]', '654321');
    await options.click('#unblock-pin button[type="submit"]');
    await options.waitForFunction(() => /unblocked/.test(document.querySelector('#unblock-pin .form-status')?.textContent ?? ''), { timeout: 20_000 });

    await setPinCacheFirefox(options, 10); // the new PIN is kept from here on
    await page.click('[data-kyotsu-login]');
    await enterPinFirefox(firefox, '654321'); // the window closes only when the card accepts the new PIN
    await loggedInFirefox(page);
    await page.close();
  });

  it('an invalidated certificate’s login is refused with a message a person understands', async () => {
    const bankA = await openServicePageFirefox(firefox, `${origin('bank-a')}/account`);
    await loggedInFirefox(bankA); // an automatic login lands on the home page if the session had gone
    await bankA.goto(`${origin('bank-a')}/account`);
    await loggedInFirefox(bankA);
    await Promise.all([bankA.waitForNavigation(), bankA.click('form[action="/certificate/invalidate"] button')]);
    assert.match(await textOf(bankA, '.flash'), /invalidated/);
    await bankA.close();
    const bankB = await openServicePageFirefox(firefox, `${origin('bank-b')}/`);
    await loggedInFirefox(bankB);
    await logOutFirefox(bankB); // Bank B asks the CA at each login: the automatic login is refused
    const alert = await bankB.waitForSelector('[data-kyotsu-auto-login-error]', { timeout: 20_000 });
    const text = await alert!.evaluate((node) => (node as HTMLElement).innerText);
    assert.match(text, /could not log you in/);
    assert.match(text, /invalidated|revoked|no longer/i, `says why: ${text}`);
    assert.doesNotMatch(text, /^[A-Z_]+$|HTTP \d+/, `a sentence, not a code: ${text}`);
    assert.equal(await bankB.$(ACTIVE), null);
  });
});
