/**
 * The portal's statement page (issue 8) in Chromium against the REAL services (startWorld), with the
 * software card inside the extension (test build). Set-up, once, in the browser as the holder does it:
 * first certificate at Bank A, qualify at the portal and at Bank B (card → password → confirm).
 * Then, in order:
 * 1. Card Co. is not qualified: its region says "not enrolled" with the link to qualify there, the others show;
 * 2. with Bank A, Bank B and Card Co. qualified and no session at any of them, the page shows all three
 *    after exactly ONE GENERAL AUTHENTICATE in the card's own log; the options page's activity shows each
 *    service's answer ("logged in") on its entry of that signature; the sessions the background's logins
 *    started are in the browser's own cookie jar (a Bank A tab is logged in without another signature);
 * 3. with automatic login off, nothing is signed until the holder clicks, and one click logs in to all three;
 * 4. with Bank B stopped, Bank A and Card Co. still show and Bank B's region says why;
 * 5. a service the extension does not know is never contacted from the statement page: Card Co. forgotten in
 *    the settings is NOT_A_SERVICE and its server sees no request at all (not even /.well-known/kyotsu);
 *    once the holder opens Card Co. again it is known (pending), and the page asks before signing for it;
 * 6. the holder leaves the statement page while the PIN window asks for the one signature: the window closes,
 *    the card signs nothing and no service receives a token; the page opened again gathers as usual.
 * As in real use, the holder has opened every service in this browser before its region is gathered (Bank A
 * to enroll, the others to qualify): the background only contacts services its provider registry knows.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Page } from 'playwright-core';
import { startWorld, type World } from '../server/services/world.js';
import { type ChromiumWithExtension, launchChromium } from './support/chromium.js';
import { openOptions, openServicePage, waitForExtensionWindow } from './support/extension-pages.js';
import { allow, enterPin, INS_GENERAL_AUTHENTICATE, loggedIn, passwordLogin, setAutoLogin, setPinCache, testHook } from './support/service-steps.js';

/** The services' session cookies (server/services/shared/app.ts names them after the service id). */
const SERVICE_COOKIES = /^kyotsu_(bank_a|bank_b|card_co)_sid$/;

/** GENERAL AUTHENTICATE commands in the software card's own log so far. */
async function signatures(browser: ChromiumWithExtension): Promise<number> {
  return (await testHook(browser, 'softwareCardLog')).filter((entry) => entry.ins === INS_GENERAL_AUTHENTICATE).length;
}

/** Ids of the extension's notifications now shown. */
async function notificationIds(browser: ChromiumWithExtension): Promise<string[]> {
  const shown = await browser.worker.evaluate(() => (globalThis as unknown as { chrome: { notifications: { getAll(): Promise<Record<string, boolean>> } } }).chrome.notifications.getAll());
  return Object.keys(shown);
}

/** The login notifications that appear after `before`, once there is at least one (the background tells after the services answered). */
async function newLoginNotices(browser: ChromiumWithExtension, before: readonly string[]): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const added = (await notificationIds(browser)).filter((id) => id.startsWith('kyotsu-login-') && !before.includes(id));
    if (added.length > 0) return added;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [];
}

interface RegionView { state: string | null; text: string; error: string | null; link: string | null }

/** Opens the portal's statement page and waits until every enrolled region shows its outcome. */
async function openStatement(browser: ChromiumWithExtension, portal: string): Promise<{ page: Page; regions: Record<string, RegionView> }> {
  const page = await openServicePage(browser.context, `${portal}/statement`);
  await page.locator('[data-kyotsu-statement]').waitFor();
  await page.waitForFunction(
    () => [...document.querySelectorAll<HTMLElement>('[data-kyotsu-region][data-enrolled="true"]')].every((r) => ['ok', 'failed', 'not-enrolled', 'login-required'].includes(r.dataset.regionState ?? '')),
    undefined,
    { timeout: 30_000 },
  );
  const regions = await page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll<HTMLElement>('[data-kyotsu-region]')].map((r) => [
        r.dataset.kyotsuRegion!,
        {
          state: r.dataset.regionState ?? null,
          text: r.innerText,
          error: r.querySelector<HTMLElement>('[data-region-error]')?.dataset.regionError ?? null,
          link: r.querySelector<HTMLAnchorElement>('a[data-qualify-link]')?.href ?? null,
        },
      ]),
    ),
  );
  return { page, regions };
}

describe('Chromium: the portal statement page gathers every service with one card signature', () => {
  let browser: ChromiumWithExtension;
  let world: World;
  let dataDir: string;
  let origin: (id: string) => string;

  /** Card → the service asks for its own password once → "Yes, use it here". */
  async function qualify(serviceId: string): Promise<void> {
    const page = await openServicePage(browser.context, `${origin(serviceId)}/login`);
    await page.locator('[data-kyotsu-login]').click();
    await allow(browser); // this service may use the card (the PIN is still cached from enrollment)
    await page.locator('meta[name="kyotsu-session"][content="pending"]').waitFor({ state: 'attached', timeout: 20_000 });
    await passwordLogin(page, 'hanako', serviceId);
    await page.locator('#qualify-yes').click();
    await loggedIn(page);
    await page.close();
  }

  /** Logs in at the portal with the card (automatic login on a visit without a session). */
  async function portalCardLogin(): Promise<void> {
    await browser.context.clearCookies({ name: 'kyotsu_portal_sid' });
    const page = await openServicePage(browser.context, `${origin('portal')}/`);
    await loggedIn(page);
    await page.close();
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kyotsu-e2e-statement-'));
    world = await startWorld({ dataDir, caPassphrase: 'e2e-statement-passphrase', ports: 'ephemeral', services: ['portal', 'bank-a', 'bank-b', 'card-co'] });
    origin = (id) => world.origins[id] ?? assert.fail(`no service ${id}`);
    browser = await launchChromium();
    // The holder's first certificate, at Bank A after the password.
    const bankA = await openServicePage(browser.context, `${origin('bank-a')}/login`);
    await passwordLogin(bankA, 'hanako', 'bank-a');
    await loggedIn(bankA);
    await bankA.goto(`${origin('bank-a')}/account`);
    await bankA.locator('#enroll').click();
    await allow(browser);
    await allow(browser);
    await enterPin(browser);
    await bankA.locator('form[action="/certificate/invalidate"]').waitFor({ timeout: 30_000 });
    await bankA.close();
    await qualify('portal');
    await qualify('bank-b');
    await portalCardLogin(); // the statement page wants a portal session logged in with the certificate
  });
  after(async () => {
    await browser?.close();
    await world?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('a service where the certificate is not qualified shows "not enrolled" with its link; the others show', async () => {
    await browser.context.clearCookies({ name: SERVICE_COOKIES });
    const { page, regions } = await openStatement(browser, origin('portal'));
    assert.equal(regions['bank-a']?.state, 'ok', regions['bank-a']?.text);
    assert.equal(regions['bank-b']?.state, 'ok', regions['bank-b']?.text);
    assert.match(regions['card-co']?.text ?? '', /Not enrolled/);
    assert.equal(regions['card-co']?.link, `${origin('card-co')}/login`);
    assert.equal(regions['card-co']?.state, null, 'the extension leaves a not-enrolled region as the portal wrote it');
    await page.close();
  });

  it('with Bank A, Bank B and Card Co. qualified, shows all three after exactly ONE card signature; the sessions land in the browser', async () => {
    await qualify('card-co');
    await browser.context.clearCookies({ name: SERVICE_COOKIES }); // no live session at any service
    const before = await signatures(browser);
    const noticesBefore = await notificationIds(browser);
    const { page, regions } = await openStatement(browser, origin('portal'));
    for (const id of ['bank-a', 'bank-b', 'card-co']) {
      assert.equal(regions[id]?.state, 'ok', `${id}: ${regions[id]?.text}`);
      assert.match(regions[id]?.text ?? '', /Balance: \S+/);
    }
    assert.equal((await signatures(browser)) - before, 1, 'one GENERAL AUTHENTICATE for three logins');
    assert.equal((await newLoginNotices(browser, noticesBefore)).length, 1, 'the holder did not click: ONE notification for the three logins');
    // The options page's activity shows, on each service's entry of that one signature, what the service answered.
    const options = await openOptions(browser);
    const rows = options.locator('#activity tbody tr');
    await rows.first().waitFor();
    const newest = await rows.evaluateAll((trs) => trs.slice(0, 3).map((tr) => [tr.children[1]?.textContent ?? '', (tr.children[3] as HTMLElement | undefined)?.dataset.verdict ?? null]));
    assert.deepEqual(newest.sort(), [['Bank A', 'logged-in'], ['Bank B', 'logged-in'], ['Card Co.', 'logged-in']]);
    await options.close();
    // The background's fetches stored each service's session cookie in the browser's jar: a Bank A tab is
    // logged in without signing again (automatic login would have signed if it were not).
    const names = (await browser.context.cookies()).map((c) => c.name);
    for (const id of ['bank_a', 'bank_b', 'card_co']) assert.ok(names.includes(`kyotsu_${id}_sid`), `${id} cookie in the jar: ${names.join(', ')}`);
    const bankA = await openServicePage(browser.context, `${origin('bank-a')}/account`);
    await loggedIn(bankA);
    assert.equal((await signatures(browser)) - before, 1, 'the Bank A tab uses the session the statement login started');
    await bankA.close();
    await page.close();
  });

  it('with automatic login off, signs nothing until the holder clicks; one click logs in to all three with one signature', async () => {
    await setAutoLogin(browser, false);
    try {
      await browser.context.clearCookies({ name: SERVICE_COOKIES });
      const before = await signatures(browser);
      const { page, regions } = await openStatement(browser, origin('portal'));
      for (const id of ['bank-a', 'bank-b', 'card-co']) assert.equal(regions[id]?.state, 'login-required', `${id}: ${regions[id]?.text}`);
      assert.equal((await signatures(browser)) - before, 0, 'no signature without a click');
      await page.locator('[data-kyotsu-region="bank-b"] [data-kyotsu-statement-login]').click();
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('[data-kyotsu-region][data-enrolled="true"]')].every((r) => r.dataset.regionState === 'ok' || r.dataset.regionState === 'failed'), undefined, { timeout: 30_000 });
      const states = await page.locator('[data-kyotsu-region][data-enrolled="true"]').evaluateAll((all) => all.map((r) => (r as HTMLElement).dataset.regionState));
      assert.deepEqual(states, ['ok', 'ok', 'ok']);
      assert.equal((await signatures(browser)) - before, 1, 'one click, one signature for all three');
      await page.close();
    } finally {
      await setAutoLogin(browser, true);
    }
  });

  it('with Bank B stopped, Bank A and Card Co. still show and Bank B says why', async () => {
    await browser.context.clearCookies({ name: SERVICE_COOKIES });
    await world.services['bank-b']!.close(); // closes the browser's keep-alive connections too
    const before = await signatures(browser);
    const { page, regions } = await openStatement(browser, origin('portal'));
    assert.equal(regions['bank-a']?.state, 'ok', regions['bank-a']?.text);
    assert.equal(regions['card-co']?.state, 'ok', regions['card-co']?.text);
    assert.equal(regions['bank-b']?.state, 'failed');
    assert.equal(regions['bank-b']?.error, 'SERVICE_UNREACHABLE');
    assert.match(regions['bank-b']?.text ?? '', /Bank B did not answer/);
    assert.doesNotMatch(regions['bank-b']?.text ?? '', /HTTP \d+|TypeError|Failed to fetch/, 'a sentence, not a code');
    assert.equal((await signatures(browser)) - before, 1, 'Bank A and Card Co. share one signature');
    await page.close();
  });

  it('a service kyotsu does not know is not contacted at all; once the holder opens it again, the page asks before signing for it', async () => {
    const options = await openOptions(browser);
    await options.getByRole('button', { name: 'Forget Card Co.' }).click();
    await options.locator(`#providers tr[data-origin="${origin('card-co')}"]`).waitFor({ state: 'detached' });
    await options.close();
    await browser.context.clearCookies({ name: SERVICE_COOKIES });
    const reached: string[] = [];
    world.services['card-co']!.context.app.server.on('request', (request: IncomingMessage) => reached.push(request.url ?? ''));
    const unknown = await openStatement(browser, origin('portal'));
    assert.equal(unknown.regions['bank-a']?.state, 'ok', unknown.regions['bank-a']?.text);
    assert.equal(unknown.regions['card-co']?.state, 'failed');
    assert.equal(unknown.regions['card-co']?.error, 'NOT_A_SERVICE');
    assert.deepEqual(reached, [], 'no request reached Card Co., not even for its discovery document');
    await unknown.page.close();
    // The holder opens Card Co. in this browser: kyotsu knows it again, waiting for approval.
    await (await openServicePage(browser.context, `${origin('card-co')}/`)).close();
    await browser.context.clearCookies({ name: SERVICE_COOKIES });
    const statement = openStatement(browser, origin('portal'));
    await allow(browser); // Card Co. may use the card: asked before the card signs for it
    const known = await statement;
    assert.equal(known.regions['card-co']?.state, 'ok', known.regions['card-co']?.text);
    assert.equal(known.regions['bank-a']?.state, 'ok', known.regions['bank-a']?.text);
    await known.page.close();
  });

  it('leaving the statement page while the PIN window asks: the window closes, nothing is signed or posted; the page opened again gathers', async () => {
    await setPinCache(browser, 0); // the one signature asks for the PIN, so the gathering waits there
    await browser.context.clearCookies({ name: SERVICE_COOKIES }); // Bank A and Card Co. need a login (Bank B is stopped)
    const tokensPosted: string[] = [];
    for (const id of ['bank-a', 'card-co']) {
      world.services[id]!.context.app.server.on('request', (request: IncomingMessage) => {
        if (request.method === 'POST' && request.url === '/api/auth/login') tokensPosted.push(id);
      });
    }
    const before = await signatures(browser);
    const page = await openServicePage(browser.context, `${origin('portal')}/statement`);
    const pin = await waitForExtensionWindow(browser, '/pin.html');
    await page.goto(`${origin('portal')}/`); // the holder follows a link: the top frame commits another page
    if (!pin.isClosed()) await pin.waitForEvent('close', { timeout: 10_000 });
    assert.equal((await signatures(browser)) - before, 0, 'the card signed nothing for the page that left');
    assert.deepEqual(tokensPosted, [], 'no service received a token');
    // The holder comes back: the new page's gathering is not held up by the one that was cancelled.
    const again = openStatement(browser, origin('portal'));
    await enterPin(browser);
    const { page: statement, regions } = await again;
    assert.equal(regions['bank-a']?.state, 'ok', regions['bank-a']?.text);
    assert.equal(regions['card-co']?.state, 'ok', regions['card-co']?.text);
    assert.equal((await signatures(browser)) - before, 1);
    assert.deepEqual(tokensPosted.sort(), ['bank-a', 'card-co']);
    await statement.close();
    await page.close();
  });
});
