/**
 * Firefox ESR end to end through native messaging: the extension (card source "native", chosen in its
 * options page) → `runtime.connectNative('dev.kyotsu.pcsc')` → the host program, started by Firefox from the
 * per-user host manifest `kyotsu host install` writes (~/.mozilla/native-messaging-hosts, under a HOME of
 * this test's own) → pcscd → vpcd → the software PIV card, provisioned with a certificate in 9A.
 *
 * The card runs in this process (a vpcd client); only the host, a separate process, calls PC/SC. The
 * cross-process lock is the one every pcscd test takes, so no other test file uses the reader meanwhile.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Page } from 'puppeteer-core';
import { acquireFileLock, type ReleaseLock } from '../bridge/interop/file-lock.js';
import { ensurePcscd, type PcscdHandle } from '../bridge/interop/pcscd.js';
import { requireTool } from '../bridge/interop/tools.js';
import { type CardRig, createCardRig } from '../bridge/native-host/card-rig.js';
import { launcherScript } from '../bridge/native-host/install/launcher.js';
import { hostManifest } from '../bridge/native-host/install/manifest.js';
import { vpcdPort, vpcdReaderName } from '../bridge/vpcd/ports.js';
import { toBase64 } from '../src/bytes.js';
import { FIREFOX_EXTENSION_ID, NATIVE_HOST_NAME } from '../src/extension-ids.js';
import { Slot } from '../src/piv/constants.js';
import { servicePages } from './fixtures/service-page.js';
import { type FirefoxWithExtension, launchFirefox } from './support/firefox.js';
import { clickClosing, extensionWindow, outcome, start, tokenVerifiesFor } from './support/firefox-pages.js';
import { type PageServer, servePages } from './support/static-server.js';

/** Reader 1, as the other pcscd tests use, leaving reader 0 to a developer's `kyotsu card serve`. */
const READER = 1;
const PCSC_LOCK = join(tmpdir(), 'kyotsu-pcsc.lock');
/** The software card's factory PIN. */
const PIN = '123456';
const NONCE = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';

describe('Firefox ESR: login through the native host → pcscd → vpcd → the software card', () => {
  let releaseLock: ReleaseLock | undefined;
  let pcscd: PcscdHandle | undefined;
  let rig: CardRig | undefined;
  let firefox: FirefoxWithExtension | undefined;
  let bankA: PageServer | undefined;
  let home = '';

  before(async () => {
    for (const tool of ['pcscd', 'flock']) requireTool(tool);
    releaseLock = await acquireFileLock(PCSC_LOCK, 5 * 60_000);
    pcscd = await ensurePcscd(READER);
    rig = await createCardRig(vpcdPort(READER), 7_000_000 + Math.floor(Math.random() * 1_000_000));
    await rig.insert();

    // What `kyotsu host install --browser firefox` writes per user, under this test's own HOME.
    home = mkdtempSync(join(tmpdir(), 'kyotsu-firefox-home-'));
    const launcher = join(home, 'kyotsu-pcsc-host');
    writeFileSync(launcher, launcherScript({ logFile: join(home, 'host.log') }));
    chmodSync(launcher, 0o755);
    const manifests = join(home, '.mozilla', 'native-messaging-hosts');
    mkdirSync(manifests, { recursive: true });
    writeFileSync(join(manifests, `${NATIVE_HOST_NAME}.json`), JSON.stringify(hostManifest('firefox', launcher, { chrome: [], firefox: [FIREFOX_EXTENSION_ID] })));

    bankA = await servePages(await servicePages('Bank A'));
    firefox = await launchFirefox(undefined, { env: { HOME: home } });
  });
  after(async () => {
    await firefox?.close();
    await bankA?.close();
    await rig?.remove();
    await pcscd?.stop();
    await releaseLock?.();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  function browser(): FirefoxWithExtension {
    assert.ok(firefox, 'Firefox started');
    return firefox;
  }

  it('logs in at Bank A with the card behind pcscd, chosen in the options page, which shows it ready and lists the reader', async () => {
    const server = bankA;
    assert.ok(server);
    const page: Page = await browser().browser.newPage();
    await page.goto(`${server.origin}/app.html`);
    await page.waitForFunction(() => document.documentElement.dataset.kyotsu === 'ready', { timeout: 15_000 });
    await start(page, 'login', String((app: { kyotsu: { authenticate(n: string): Promise<unknown> } }, nonce: string) => app.kyotsu.authenticate(nonce)), NONCE);

    const consent = await extensionWindow(browser(), '/consent.html');
    // While Bank A waits for consent (before any card access), choose the native host in the options page.
    // WebDriver BiDi may not navigate to moz-extension:// itself, so the extension's own window opens it.
    await consent.evaluate(() => (globalThis as unknown as { browser: { runtime: { openOptionsPage(): Promise<void> } } }).browser.runtime.openOptionsPage());
    const options = await extensionWindow(browser(), '/options.html');
    await options.waitForSelector('#background-status[data-state="ok"]');
    await options.click('input[name="cardSource"][value="native"]');
    await options.waitForSelector('#source-status[data-state="ok"]');
    await options.waitForSelector('#native-status[data-problem]', { timeout: 30_000 });
    const problem = await options.$eval('#native-status', (node) => (node as HTMLElement).dataset.problem);
    assert.equal(problem, 'none', await options.$eval('#native-detail', (node) => node.textContent ?? ''));
    const readers = await options.$$eval('#native-readers li', (items) => items.map((item) => item.textContent ?? ''));
    assert.ok(readers.some((text) => text.startsWith(vpcdReaderName(READER))), `the options page lists the vpcd reader: ${JSON.stringify(readers)}`);
    await options.close();

    await clickClosing(consent, '#allow');
    const pinWindow = await extensionWindow(browser(), '/pin.html', 30_000);
    await pinWindow.type('#pin', PIN);
    await clickClosing(pinWindow, '#submit');

    const login = await outcome<{ unverifiedCertificate: string; signature: string; format: string }>(page, 'login');
    assert.equal(login.error, undefined, JSON.stringify(login.error));
    const token = login.value!;
    assert.equal(token.format, 'web-eid:1.0');
    assert.equal(token.unverifiedCertificate, toBase64(rig!.certificates[Slot.AUTHENTICATION]), 'the certificate of the card behind pcscd');
    assert.equal(await tokenVerifiesFor(token, server.origin, NONCE), true, 'signed by the card for Bank A’s own origin');
    assert.ok(rig!.card.log.length > 0, 'the card in the vpcd reader did the work');
    await page.close();
  });
});
