/**
 * The extension against the REAL participating services (server/services, started here with startWorld)
 * in Chromium, with the software card inside the extension (test build). One holder's story, in order:
 * first certificate at Bank A after the password, automatic login at Bank A on the next visit, qualify at
 * Bank B (card → password → confirm), one-click login at Card Co. after qualifying there, and a login with
 * the invalidated certificate refused with the service's own words; then wrong PINs (tries left shown, the
 * third blocks) and the PUK unblocking from the options page. Tests share one browser and one card, in order.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startWorld, type World } from '../server/services/world.js';
import { type ChromiumWithExtension, launchChromium } from './support/chromium.js';
import { openOptions, openServicePage, waitForExtensionWindow } from './support/extension-pages.js';
import { ACTIVE, activity, enterPin, getCertificate, loggedIn, logOut, passwordLogin, qualify, setAutoLogin } from './support/service-steps.js';

describe('Chromium against the participating services: enroll, automatic login, qualify, one-click, invalidated', () => {
  let browser: ChromiumWithExtension;
  let world: World;
  let dataDir: string;
  let origin: (id: string) => string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kyotsu-e2e-world-'));
    world = await startWorld({ dataDir, caPassphrase: 'e2e-world-passphrase', ports: 'ephemeral', services: ['bank-a', 'bank-b', 'card-co'] });
    origin = (id) => world.origins[id] ?? assert.fail(`no service ${id}`);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await world?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('first certificate at Bank A after the password: consent and PIN in the extension windows, the serial recorded', async () => {
    const page = await openServicePage(browser.context, `${origin('bank-a')}/login`);
    await passwordLogin(page, 'hanako', 'bank-a');
    await loggedIn(page);
    await getCertificate(browser, page, origin('bank-a'), 2); // Bank A may use the card; a new key replaces the card's
  });

  it('automatic login at Bank A on the next visit: no click, the tab lands logged in, the activity says automatic', async () => {
    const page = await openServicePage(browser.context, `${origin('bank-a')}/`);
    await logOut(page); // the next visit has no session: kyotsu logs in by itself (PIN still cached)
    await loggedIn(page);
    assert.match(await page.locator('header nav').innerText(), /Hanako/);
    const entries = await activity(browser);
    assert.ok(entries.some((e) => e.origin === origin('bank-a') && e.operation === 'authenticate' && e.result === 'ok' && e.automatic));
    const shown = await browser.worker.evaluate(() => (globalThis as unknown as { chrome: { notifications: { getAll(): Promise<Record<string, boolean>> } } }).chrome.notifications.getAll());
    assert.ok(Object.keys(shown).some((id) => id.startsWith('kyotsu-login-')), `a notification follows the automatic login: ${Object.keys(shown).join(', ')}`);
    // Session reuse: navigating within the live session signs nothing more.
    const signatures = entries.length;
    await page.goto(`${origin('bank-a')}/account`);
    await loggedIn(page);
    assert.equal((await activity(browser)).length, signatures);
    await page.close();
  });

  /** Card → the service asks for its own password once → "Yes, use it here". */
  async function qualifyAt(serviceId: string) {
    const page = await qualify(browser, origin(serviceId), serviceId);
    assert.match(await page.locator('.flash').innerText(), /now works at/);
    return page;
  }

  it('qualify at Bank B: card, then the Bank B password once, then confirm', async () => {
    await (await qualifyAt('bank-b')).close();
  });

  it('one-click login at Card Co. after qualifying there', async () => {
    const page = await qualifyAt('card-co');
    await setAutoLogin(browser, false);
    await logOut(page);
    assert.equal(await page.locator(ACTIVE).count(), 0, 'with automatic login off the visitor stays logged out');
    await page.locator('[data-kyotsu-login]').first().click();
    await loggedIn(page);
    assert.match(await page.locator('header nav').innerText(), /Hanako/);
    await setAutoLogin(browser, true);
    await page.close();
  });

  it('an invalidated certificate’s login is refused with a message a person understands', async () => {
    const bankA = await openServicePage(browser.context, `${origin('bank-a')}/account`);
    await loggedIn(bankA);
    await bankA.locator('form[action="/certificate/invalidate"] button').click();
    await bankA.locator('.flash').filter({ hasText: /invalidated/ }).waitFor();
    const bankB = await openServicePage(browser.context, `${origin('bank-b')}/`);
    await logOut(bankB); // Bank B asks the CA at each login: the automatic login is refused
    const alert = bankB.locator('[data-kyotsu-auto-login-error]');
    await alert.waitFor({ timeout: 20_000 });
    const text = await alert.innerText();
    assert.match(text, /could not log you in/);
    assert.match(text, /invalidated|revoked|no longer/i, `says why: ${text}`);
    assert.doesNotMatch(text, /^[A-Z_]+$|HTTP \d+/, `a sentence, not a code: ${text}`);
    assert.equal(await bankB.locator(ACTIVE).count(), 0);
  });

  it('a wrong PIN shows the tries left, the third blocks it (PIN_BLOCKED), and the PUK unblocks it from the options page', async () => {
    const options = await openOptions(browser);
    await options.locator('#pin-cache').fill('0'); // no cached PIN: every login asks
    await options.locator('#pin-cache-save').click();
    await options.locator('#login-status').filter({ hasText: /\S/ }).waitFor();
    const page = await openServicePage(browser.context, `${origin('bank-b')}/login`);
    await page.locator('[data-kyotsu-login]').click();
    const prompt = await waitForExtensionWindow(browser, '/pin.html');
    for (const left of ['2', '1']) {
      await prompt.locator('#pin').fill('000000');
      await prompt.locator('#submit').click();
      await prompt.locator('#retries').filter({ hasText: new RegExp(`: ${left}$`) }).waitFor();
      assert.match(await prompt.locator('#status').innerText(), /Wrong PIN/);
    }
    await prompt.locator('#pin').fill('000000');
    await prompt.locator('#submit').click();
    // The third wrong PIN blocks it: the login ends with PIN_BLOCKED (the PIN window goes with the operation).
    const button = page.locator('[data-kyotsu-login][data-kyotsu-error]');
    await button.waitFor({ state: 'attached' });
    assert.equal(await button.getAttribute('data-kyotsu-error'), 'PIN_BLOCKED');
    if (!prompt.isClosed()) await prompt.close();

    const unblock = options.locator('#unblock-pin');
    await unblock.locator('input[name="puk"]').fill('12345678');
    await unblock.locator('input[name="newPin"]').fill('654321');
    await unblock.locator('input[name="repeatPin"]').fill('654321');
    await unblock.locator('button[type="submit"]').click();
    await unblock.locator('.form-status').filter({ hasText: /unblocked/ }).waitFor({ timeout: 20_000 });

    await page.locator('[data-kyotsu-login]').click();
    await enterPin(browser, '654321'); // the window closes only when the card accepts the new PIN
    await options.close();
    await page.close();
  });
});
