/**
 * What the extension itself costs in a login (issue 7 "Benchmark"): the test build in Chromium against the
 * real services (startWorld: CA + services on SQLite), the extension's software card modelling a real card
 * (`kyotsuTest.setCardTiming({ signMs: 150 })`).
 *
 * 1. Automatic login, one tab: from the navigation start of the service's home page (no session) to the
 *    DOMContentLoaded of the logged-in page it lands on, both from the browser's own clock (an init script
 *    keeps each document's `performance.timeOrigin` in sessionStorage). Subtracted, measured in the same run:
 *    the card's own time (sum of APDU durations in the card's log, `kyotsuTest.softwareCardLog`) and the
 *    service's own time (an extra `request` listener on each service's HTTP server, bench-side: from the
 *    request's headers parsed to the response finished, overlapping requests counted once as the union of
 *    their intervals; the service's check with the CA happens inside its /api/auth/login). What is left is the extension's overhead — plus the browser's own page
 *    loading, given as a baseline row (the same home page loaded with a live session: no login).
 * 2. Eight tabs at once at eight different services (the four of the catalog are three here plus five more
 *    bank services started the same way, each its own origin and SQLite file): makespan from the first
 *    navigation start to the last logged-in page, against 8 × one login's card time.
 *
 * The PIN is typed once (enrollment) and then comes from the extension's in-memory PIN cache: every login
 * still sends VERIFY to the card. Needs the test build (dist/test/chrome: `npx tsx scripts/build.ts
 * --test-build`). About a minute.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import { type KyotsuTestHooks } from '../background/test-hooks.js';
import { type CardLogEntry } from '../bridge/softcard/soft-piv-card.js';
import { CATALOG } from '../server/services/catalog.js';
import { type RunningService, startService } from '../server/services/service.js';
import { freePort, startWorld, type World } from '../server/services/world.js';
import { CHROME_TEST_BUILD, type ChromiumWithExtension, launchChromium } from '../e2e/support/chromium.js';
import { clickClosing, waitForExtensionWindow } from '../e2e/support/extension-pages.js';
import { type BenchTable } from './table.js';

const PIN = '123456';
const SIGN_MS = 150;
const RUNS = 20;
const BATCHES = 3;
const TABS = 8;
const ACTIVE = 'meta[name="kyotsu-session"][content="active"]';
const NAVS_KEY = 'kyotsu-bench-navs';

const round = (ms: number): number => Math.round(ms * 10) / 10;
/** Nearest-rank percentile (p95 of 20 values is the 19th smallest; of 3 values, the largest). */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A request one of the servers handled, on this process's clock. */
interface Handled {
  readonly server: string;
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

/** Records every request `server` handles (an extra listener: the app's own handler is untouched). */
function watch(server: Server, name: string, into: Handled[]): void {
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const start = performance.now();
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    response.on('finish', () => into.push({ server: name, path, start, end: performance.now() }));
  });
}

/** Length of the union of the intervals (nested or overlapping requests count once). */
function unionMs(intervals: readonly { start: number; end: number }[]): number {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  let total = 0;
  let [from, to] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const { start, end } of sorted) {
    if (start > to) {
      if (to > from) total += to - from;
      [from, to] = [start, end];
    } else to = Math.max(to, end);
  }
  if (to > from) total += to - from;
  return total;
}

const cardMs = (entries: readonly CardLogEntry[]): number => entries.reduce((sum, e) => sum + (e.endedAt - e.startedAt), 0);

function hooks<K extends keyof KyotsuTestHooks>(browser: ChromiumWithExtension, name: K, arg?: Parameters<KyotsuTestHooks[K]>[0]): Promise<Awaited<ReturnType<KyotsuTestHooks[K]>>> {
  return browser.worker.evaluate(
    ([hook, value]) => (globalThis as unknown as { kyotsuTest: Record<string, (a: unknown) => Promise<never>> }).kyotsuTest[hook]!(value),
    [name, arg] as const,
  );
}

async function passwordLogin(page: Page, serviceId: string): Promise<void> {
  await page.locator('#userId').fill('hanako');
  await page.locator('#password').fill(`hanako-${serviceId}`);
  await page.locator('form[action="/login"] button[type="submit"]').click();
}

async function allow(browser: ChromiumWithExtension): Promise<void> {
  await clickClosing(await waitForExtensionWindow(browser, '/consent.html'), '#allow');
}

/** First certificate at `serviceId` (password, then "get your common certificate"), PIN typed once. */
async function enroll(browser: ChromiumWithExtension, origin: string, serviceId: string): Promise<void> {
  const page = await browser.context.newPage();
  await page.goto(`${origin}/login`);
  await passwordLogin(page, serviceId);
  await page.locator(ACTIVE).waitFor({ state: 'attached' });
  await page.goto(`${origin}/account`);
  await page.locator('#enroll').click();
  await allow(browser); // this service may use the card
  await allow(browser); // a new key replaces the card's
  const pin = await waitForExtensionWindow(browser, '/pin.html');
  await pin.locator('#pin').fill(PIN);
  await clickClosing(pin, '#submit');
  await page.locator('form[action="/certificate/invalidate"]').waitFor({ timeout: 30_000 });
  await page.close();
}

/** Card → the service's password once → "Yes, use it here". */
async function qualify(browser: ChromiumWithExtension, origin: string, serviceId: string): Promise<void> {
  const page = await browser.context.newPage();
  await page.goto(`${origin}/login`);
  await page.waitForFunction(() => document.documentElement.dataset.kyotsu === 'ready');
  await page.locator('[data-kyotsu-login]').click();
  await allow(browser);
  await page.locator('meta[name="kyotsu-session"][content="pending"]').waitFor({ state: 'attached', timeout: 20_000 });
  await passwordLogin(page, serviceId);
  await page.locator('#qualify-yes').click();
  await page.locator(ACTIVE).waitFor({ state: 'attached' });
  await page.close();
}

/** Every document's navigation start, kept per tab in sessionStorage (browser clock, epoch ms). */
async function recordNavigations(context: BrowserContext): Promise<void> {
  await context.addInitScript((key) => {
    const list = JSON.parse(sessionStorage.getItem(key) ?? '[]') as { url: string; t: number }[];
    list.push({ url: location.href, t: performance.timeOrigin });
    sessionStorage.setItem(key, JSON.stringify(list));
  }, NAVS_KEY);
}

/** Loads `origin`/ with no session and waits for the automatic login to land; browser-clock times. */
async function autoLogin(page: Page, origin: string): Promise<{ navigationStart: number; loggedIn: number }> {
  await page.goto(`${origin}/`, { waitUntil: 'commit' });
  await page.locator(ACTIVE).waitFor({ state: 'attached', timeout: 30_000 });
  await page.waitForFunction(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.domContentLoadedEventEnd);
  // 'ready': the content script has told the background this page shows a live session, so the next
  // logged-out visit logs in again (background/auto-login.ts holds an origin whose login was not kept).
  await page.waitForFunction(() => document.documentElement.dataset.kyotsu === 'ready');
  return page.evaluate((key) => {
    const navs = JSON.parse(sessionStorage.getItem(key) ?? '[]') as { url: string; t: number }[];
    const home = navs.findLast((n) => new URL(n.url).pathname === '/' && n.t < performance.timeOrigin);
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    sessionStorage.removeItem(key);
    return { navigationStart: home?.t ?? Number.NaN, loggedIn: performance.timeOrigin + nav.domContentLoadedEventEnd };
  }, NAVS_KEY);
}

/** Ends every session (cookies) and lets the logged-in pages' own reports reach the background first. */
async function logOutEverywhere(context: BrowserContext, pages: readonly Page[]): Promise<void> {
  for (const page of pages) await page.goto('about:blank');
  await context.clearCookies();
  await new Promise((resolve) => setTimeout(resolve, 300));
}

/** Five more bank services like the catalog's, registered at the world's CA, each on its own origin. */
async function extraBanks(world: World, dataDir: string, count: number): Promise<RunningService[]> {
  const template = CATALOG.find((entry) => entry.config.id === 'bank-b')!.config;
  const started: RunningService[] = [];
  for (let i = 1; i <= count; i++) {
    const id = `bank-x${i}`;
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    const credentials = await world.ca.registerService({ id, displayName: `Bank X${i}`, origins: [origin], portal: false, webhookUrl: `${origin}/api/ca-notices` });
    started.push(
      await startService({
        config: { ...template, id, theme: { ...template.theme, displayName: `Bank X${i}` } },
        dbPath: join(dataDir, `${id}.sqlite`),
        port,
        ca: { url: world.ca.url, apiToken: credentials.apiToken, webhookSecret: credentials.webhookSecret },
      }),
    );
  }
  return started;
}

/** Runs the benchmark. */
export async function run(): Promise<BenchTable[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kyotsu-bench-extension-'));
  const world = await startWorld({ dataDir, caPassphrase: 'bench-extension-passphrase', ports: 'ephemeral', services: ['bank-a', 'bank-b', 'card-co'] });
  const extra = await extraBanks(world, dataDir, TABS - 3);
  // A private copy of the test build, so a rebuild of dist/ meanwhile cannot pull files from under the browser.
  const build = join(dataDir, 'extension');
  await cp(CHROME_TEST_BUILD, build, { recursive: true });
  const browser = await launchChromium(build);
  try {
    const handled: Handled[] = [];
    const services: { id: string; origin: string }[] = [
      ...['bank-a', 'bank-b', 'card-co'].map((id) => ({ id, origin: world.services[id]!.origin })),
      ...extra.map((s) => ({ id: s.context.config.id, origin: s.origin })),
    ];
    for (const s of [...Object.values(world.services), ...extra]) watch(s.context.app.server, s.context.config.id, handled);

    await enroll(browser, services[0]!.origin, services[0]!.id);
    for (const s of services.slice(1)) await qualify(browser, s.origin, s.id);
    await hooks(browser, 'setCardTiming', { signMs: SIGN_MS });
    await recordNavigations(browser.context);

    // 1. One tab, RUNS automatic logins at Bank A (plus two warm-up logins not counted).
    const bankA = services[0]!.origin;
    const page = await browser.context.newPage();
    const single: { total: number; card: number; server: number; auth: number; apdus: number }[] = [];
    for (let i = -2; i < RUNS; i++) {
      await logOutEverywhere(browser.context, [page]);
      const logBefore = (await hooks(browser, 'softwareCardLog')).length;
      const from = performance.now();
      const times = await autoLogin(page, bankA);
      const to = performance.now();
      const entries = (await hooks(browser, 'softwareCardLog')).slice(logBefore);
      const requests = handled.filter((h) => h.start >= from && h.end <= to);
      if (i < 0) continue;
      single.push({
        total: times.loggedIn - times.navigationStart,
        card: cardMs(entries),
        server: unionMs(requests),
        auth: unionMs(requests.filter((h) => h.path === '/api/auth/challenge' || h.path === '/api/auth/login')),
        apdus: entries.length,
      });
    }
    // Baseline: the same home page with a live session (no login, no card).
    const baseline: number[] = [];
    for (let i = 0; i < 10; i++) {
      await page.goto(`${bankA}/`);
      await page.locator(ACTIVE).waitFor({ state: 'attached' });
      baseline.push(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd));
    }

    // 2. TABS tabs at TABS services at once.
    const tabs = await Promise.all(services.map(() => browser.context.newPage()));
    const batches: { makespan: number; card: number; cardIdle: number; perLoginCard: number; logins: number }[] = [];
    for (let b = 0; b < BATCHES; b++) {
      await logOutEverywhere(browser.context, tabs);
      const logBefore = (await hooks(browser, 'softwareCardLog')).length;
      const results = await Promise.all(tabs.map((tab, i) => autoLogin(tab, services[i]!.origin)));
      const entries = (await hooks(browser, 'softwareCardLog')).slice(logBefore);
      const signatures = entries.filter((e) => e.ins === 0x87).length;
      batches.push({
        makespan: Math.max(...results.map((r) => r.loggedIn)) - Math.min(...results.map((r) => r.navigationStart)),
        card: cardMs(entries),
        // The card's own clock: from its first APDU to its last, the time it sat idle between them.
        cardIdle: Math.max(...entries.map((e) => e.endedAt)) - Math.min(...entries.map((e) => e.startedAt)) - cardMs(entries),
        perLoginCard: cardMs(entries) / signatures,
        logins: signatures,
      });
    }

    const overhead = single.map((r) => r.total - r.card - r.server);
    const oneLoginCard = median(single.map((r) => r.card));
    const row = (what: string, values: readonly number[]): (string | number)[] => [what, round(median(values)), round(percentile(values, 0.95))];
    return [
      {
        title: `Automatic login, one tab at Bank A: the extension's overhead (ms, ${RUNS} logins, card ${SIGN_MS} ms per signature)`,
        columns: ['what', 'median', 'p95'],
        rows: [
          row('navigation start → logged-in page (DOMContentLoaded)', single.map((r) => r.total)),
          row('− card’s own time (sum of APDU durations)', single.map((r) => r.card)),
          row('− the service’s own time (union of its requests; the CA check runs inside /api/auth/login)', single.map((r) => r.server)),
          row('   of which /api/auth/challenge + /api/auth/login (the CA check included)', single.map((r) => r.auth)),
          row('= extension overhead (incl. the browser loading two pages)', overhead),
          row('baseline: the home page with a live session (one page load, no login)', baseline),
        ],
        notes: [
          `APDUs per login: ${median(single.map((r) => r.apdus))} (SELECT … VERIFY with the cached PIN … GENERAL AUTHENTICATE); the PIN comes from the in-memory PIN cache, typed once at enrollment.`,
          'Times are per login; the columns do not add up across rows as medians. Overhead is computed per login, then its median and p95 taken.',
          'The overhead still holds the browser loading two pages (the logged-out home page, then the page the login lands on); the baseline row is what one such page load costs here.',
          'Browser clock for the total (navigation start of / to DOMContentLoaded of the page the login lands on); card clock for APDUs; Node clock for the servers.',
          'Shared 2-core machine with other work running: compare within a run.',
        ],
      },
      {
        title: `${TABS} tabs logging in at once on one card, ${TABS} different services (${BATCHES} batches)`,
        columns: ['what', 'median', `worst of ${BATCHES}`],
        rows: [
          row('makespan: first navigation start → last logged-in page', batches.map((b) => b.makespan)),
          [`${TABS} × one login's card time (median of the one-tab runs: ${round(oneLoginCard)} ms)`, round(TABS * oneLoginCard), ''],
          row('card busy during the batch (sum of APDU durations)', batches.map((b) => b.card)),
          row('card time per login in the batch', batches.map((b) => b.perLoginCard)),
          row('card idle between its first and last APDU of the batch (queue hand-overs, host work)', batches.map((b) => b.cardIdle)),
          row('makespan − card busy (beyond the card: page loads, servers, extension, queue hand-overs)', batches.map((b) => b.makespan - b.card)),
          row('makespan ÷ card busy', batches.map((b) => b.makespan / b.card)),
        ],
        notes: [
          `Signatures per batch: ${batches.map((b) => b.logins).join(', ')} (one per tab: ${TABS} origins, so no login is joined).`,
          `Services: Bank A, Bank B, Card Co. (check-omitted mode) from the catalog and ${TABS - 3} more banks (bank-x1…) started the same way; all automatic logins, PIN cached.`,
          'The reader queue (Web Locks) runs one card operation at a time, so the makespan cannot go below the card busy time.',
          'The 8 tabs start their navigations together (one Playwright call each, a few ms apart); the makespan runs from the earliest navigation start to the latest logged-in page, browser clock.',
        ],
      },
    ];
  } finally {
    await browser.close();
    await Promise.all(extra.map((s) => s.close()));
    await world.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
