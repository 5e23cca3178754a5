/**
 * Statement page time (issue 8): from navigating to the portal's /statement until every enrolled region
 * shows its statement, for K = 1…4 services that all need a login, with the batch login (ONE card
 * signature for the K services) against K single logins (one card job and one signature per service, one
 * after another), in the same run, the same browser, the same services and the same card.
 *
 * Real parts: the demo world (CA, portal, Bank A, Bank B, Card Co., plus a fourth service "Bank C"
 * registered at the same CA for K = 4), Debian's Chromium with the test build of the extension, its software
 * card modelling a real card's signing time (`kyotsuTest.setCardTiming({ signMs: 150 })`). K is set by the
 * CA's participation list: all four qualified for K = 4, then one service after another prohibits the
 * serial (the portal's layout shows it "not enrolled" and the extension leaves it alone). Before each page load every service
 * session cookie is cleared, so all K regions need a login; the portal session stays.
 *
 * Needs the test build (`npx tsx scripts/build.ts --test-build`); takes the browser lock. About 2 minutes.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { acquireFileLock } from '../bridge/interop/file-lock.js';
import { type RunningService, startService } from '../server/services/service.js';
import { freePort, startWorld, type World } from '../server/services/world.js';
import { CHROME_TEST_BUILD, type ChromiumWithExtension, launchChromium } from '../e2e/support/chromium.js';
import { clickClosing, openServicePage, waitForExtensionWindow } from '../e2e/support/extension-pages.js';
import { type BenchTable } from './table.js';

const PIN = '123456';
const SIGN_MS = 150;
const REPETITIONS = 5;
const ACTIVE = 'meta[name="kyotsu-session"][content="active"]';
const SERVICES = ['bank-a', 'bank-b', 'card-co', 'bank-c'] as const;
const SERVICE_COOKIES = /^kyotsu_(bank_a|bank_b|card_co|bank_c)_sid$/;
const GENERAL_AUTHENTICATE = 0x87;

type Mode = 'batch' | 'single';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The holder's steps in the browser (as e2e/statement-chromium.test.ts takes them). */
class Holder {
  constructor(
    readonly browser: ChromiumWithExtension,
    readonly origin: (id: string) => string,
  ) {}

  async allow(): Promise<void> {
    await clickClosing(await waitForExtensionWindow(this.browser, '/consent.html'), '#allow');
  }

  async passwordLogin(page: Page, serviceId: string): Promise<void> {
    await page.locator('#userId').fill('hanako');
    await page.locator('#password').fill(`hanako-${serviceId}`);
    await page.locator('form[action="/login"] button[type="submit"]').click();
  }

  async enroll(): Promise<void> {
    const page = await openServicePage(this.browser.context, `${this.origin('bank-a')}/login`);
    await this.passwordLogin(page, 'bank-a');
    await page.locator(ACTIVE).waitFor({ state: 'attached' });
    await page.goto(`${this.origin('bank-a')}/account`);
    await page.locator('#enroll').click();
    await this.allow();
    await this.allow();
    const window = await waitForExtensionWindow(this.browser, '/pin.html');
    await window.locator('#pin').fill(PIN);
    await clickClosing(window, '#submit');
    await page.locator('form[action="/certificate/invalidate"]').waitFor({ timeout: 30_000 });
    await page.close();
  }

  async qualify(serviceId: string): Promise<void> {
    const page = await openServicePage(this.browser.context, `${this.origin(serviceId)}/login`);
    await page.locator('[data-kyotsu-login]').click();
    await this.allow();
    await page.locator('meta[name="kyotsu-session"][content="pending"]').waitFor({ state: 'attached', timeout: 20_000 });
    await this.passwordLogin(page, serviceId);
    await page.locator('#qualify-yes').click();
    await page.locator(ACTIVE).waitFor({ state: 'attached', timeout: 20_000 });
    await page.close();
  }

  async portalCardLogin(): Promise<void> {
    await this.browser.context.clearCookies({ name: 'kyotsu_portal_sid' });
    const page = await openServicePage(this.browser.context, `${this.origin('portal')}/`);
    await page.locator(ACTIVE).waitFor({ state: 'attached', timeout: 20_000 });
    await page.close();
  }

  signatures(): Promise<number> {
    return this.browser.worker.evaluate(
      async (ins) => (await (globalThis as unknown as { kyotsuTest: { softwareCardLog(): Promise<{ ins: number }[]> } }).kyotsuTest.softwareCardLog()).filter((e) => e.ins === ins).length,
      GENERAL_AUTHENTICATE,
    );
  }

  async setMode(mode: Mode): Promise<void> {
    await this.browser.worker.evaluate((m) => (globalThis as unknown as { kyotsuTestStatement: { setLoginMode(mode: string): void } }).kyotsuTestStatement.setLoginMode(m), mode);
  }
}

/** One statement page load with no service session: its time and the card signatures it took. */
async function measure(holder: Holder, page: Page, k: number): Promise<{ ms: number; signatures: number }> {
  await holder.browser.context.clearCookies({ name: SERVICE_COOKIES });
  const before = await holder.signatures();
  const started = performance.now();
  await page.goto(`${holder.origin('portal')}/statement`);
  await page.waitForFunction(
    () => {
      const regions = [...document.querySelectorAll<HTMLElement>('[data-kyotsu-region][data-enrolled="true"]')];
      return regions.length > 0 && regions.every((r) => ['ok', 'failed', 'not-enrolled'].includes(r.dataset.regionState ?? ''));
    },
    undefined,
    { timeout: 60_000 },
  );
  const ms = performance.now() - started;
  const states = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('[data-kyotsu-region][data-enrolled="true"]')].map((r) => `${r.dataset.kyotsuRegion}:${r.dataset.regionState}${r.dataset.regionState === "ok" ? "" : ` (${r.innerText})`}`));
  if (states.length !== k || !states.every((s) => s.endsWith(':ok'))) throw new Error(`statement page for K=${k} did not show every statement: ${states.join(', ')}`);
  return { ms, signatures: (await holder.signatures()) - before };
}

/** Runs the benchmark. */
export async function run(): Promise<BenchTable[]> {
  if (!existsSync(join(CHROME_TEST_BUILD, 'manifest.json'))) throw new Error('bench statement needs the test build: npx tsx scripts/build.ts --test-build');
  const release = await acquireFileLock('/tmp/kyotsu-browser.lock', 15 * 60_000);
  const dataDir = await mkdtemp(join(tmpdir(), 'kyotsu-bench-statement-'));
  let world: World | null = null;
  let bankC: RunningService | null = null;
  let browser: ChromiumWithExtension | null = null;
  try {
    world = await startWorld({ dataDir, caPassphrase: 'bench-statement-passphrase', ports: 'ephemeral', services: ['portal', 'bank-a', 'bank-b', 'card-co'] });
    // A fourth participating service at the same CA, for K = 4.
    const port = await freePort();
    const bankCOrigin = `http://localhost:${port}`;
    const credentials = await world.ca.registerService({ id: 'bank-c', displayName: 'Bank C', origins: [bankCOrigin], portal: false, webhookUrl: `${bankCOrigin}/api/ca-notices` });
    bankC = await startService({
      config: { id: 'bank-c', kind: 'bank', checkMode: 'ca-check', theme: { displayName: 'Bank C', accent: '#be123c', tagline: 'Trust banking' } },
      dbPath: join(dataDir, 'bank-c.sqlite'),
      port,
      ca: { url: world.ca.url, apiToken: credentials.apiToken, webhookSecret: credentials.webhookSecret },
    });
    const services: Record<string, RunningService> = { ...world.services, 'bank-c': bankC };
    const origins: Record<string, string> = { ...world.origins, 'bank-c': bankCOrigin };
    browser = await launchChromium();
    const holder = new Holder(browser, (id) => origins[id] ?? '');
    await holder.enroll();
    for (const id of ['portal', 'bank-b', 'card-co', 'bank-c']) await holder.qualify(id);
    await holder.portalCardLogin();
    await browser.worker.evaluate((signMs) => (globalThis as unknown as { kyotsuTest: { setCardTiming(t: { signMs: number }): Promise<void> } }).kyotsuTest.setCardTiming({ signMs }), SIGN_MS);
    const page = await openServicePage(browser.context, `${origins.portal!}/statement`);
    const serial = await page.locator('[data-kyotsu-statement]').getAttribute('data-serial');
    if (!serial) throw new Error('the portal statement page names no certificate serial');
    await measure(holder, page, SERVICES.length); // the first gathering ends before anything changes

    const rows: (string | number)[][] = [];
    // K = 4 down to 1: the CA's list decides which regions are enrolled, and a service leaves it by prohibiting
    // the serial (qualifying again needs the holder's card at that service, so K only goes down).
    for (let k = SERVICES.length; k >= 1; k--) {
      for (const id of SERVICES.slice(k)) {
        const ca = services[id]?.context.ca;
        if (!ca) throw new Error(`${id} has no CA client`);
        await ca.prohibit(serial).catch((error: unknown) => {
          if (!(error instanceof Error && /NOT_QUALIFIED|not (qualified|listed)/i.test(error.message))) throw error;
        });
      }
      const times: Record<Mode, number[]> = { batch: [], single: [] };
      const signed: Record<Mode, number[]> = { batch: [], single: [] };
      for (let rep = 0; rep <= REPETITIONS; rep++) {
        const order: Mode[] = rep % 2 === 0 ? ['batch', 'single'] : ['single', 'batch'];
        for (const mode of order) {
          await holder.setMode(mode);
          const { ms, signatures } = await measure(holder, page, k);
          if (rep === 0) continue; // warm-up
          times[mode].push(ms);
          signed[mode].push(signatures);
        }
      }
      const batch = median(times.batch);
      const single = median(times.single);
      rows.unshift([
        k,
        Math.round(batch),
        Math.round(single),
        Math.round(single - batch),
        `${Math.round(Math.min(...times.batch))}–${Math.round(Math.max(...times.batch))}`,
        `${Math.round(Math.min(...times.single))}–${Math.round(Math.max(...times.single))}`,
        [...new Set(signed.batch)].join('/'),
        [...new Set(signed.single)].join('/'),
      ]);
    }
    await holder.setMode('batch');
    return [
      {
        title: `Statement page time, K services all needing a login: batch login vs K single logins (software card, signMs ${SIGN_MS}; median of ${REPETITIONS})`,
        columns: ['K', 'batch ms', 'K single ms', 'saved ms', 'batch range', 'single range', 'signatures (batch)', 'signatures (single)'],
        rows,
        notes: [
          'Time from page.goto(portal /statement) until every enrolled region shows its statement, measured in Node around Playwright (includes the page load and the portal layout).',
          'Each load: every service session cookie cleared first, so each of the K regions needs challenge + card signature + token post + statement fetch; the portal session stays; PIN cached (no PIN window).',
          'Single: the same gathering code with one card job per service, one after another (the test-build switch kyotsuTestStatement.setLoginMode). Modes alternate per repetition; one warm-up pair per K is discarded. K runs 4 → 1 (services leave the CA list by prohibit).',
          'Signatures are counted as GENERAL AUTHENTICATE commands in the software card own log. K = 1 is the same work in both modes (one web-eid:1.0 login): its difference is noise.',
          'The single baseline posts its tokens in parallel after the last signature, so it is, if anything, faster than K logins done fully one after another.',
        ],
      },
    ];
  } finally {
    await browser?.close();
    await bankC?.close();
    await world?.close();
    await rm(dataDir, { recursive: true, force: true });
    await release();
  }
}
