/**
 * Firefox ESR driven by puppeteer-core over WebDriver BiDi, with the extension installed as a temporary
 * add-on (`Browser.installExtension`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/** The test build of the Firefox extension (scripts/build.ts --test-build). */
export const FIREFOX_TEST_BUILD = resolve(import.meta.dirname, '../../dist/test/firefox');

/** A running Firefox with the extension installed. */
export interface FirefoxWithExtension {
  readonly browser: Browser;
  readonly addonId: string;
  close(): Promise<void>;
}

/** Extra launch settings. */
export interface FirefoxLaunchOptions {
  /** Environment of the Firefox process (e.g. a `HOME` whose ~/.mozilla/native-messaging-hosts holds a host manifest). */
  readonly env?: Readonly<Record<string, string>>;
  /** More preferences (e.g. `extensions.webextensions.uuids` to know the add-on's moz-extension:// host in advance). */
  readonly prefs?: Readonly<Record<string, string | number | boolean>>;
}

/** Launches headless Firefox ESR and installs the extension at `extensionDir` as a temporary add-on. */
export async function launchFirefox(extensionDir = FIREFOX_TEST_BUILD, options: FirefoxLaunchOptions = {}): Promise<FirefoxWithExtension> {
  const profile = mkdtempSync(join(tmpdir(), 'kyotsu-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: '/usr/bin/firefox-esr',
    headless: true,
    userDataDir: profile,
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
    extraPrefsFirefox: {
      ...options.prefs,
      // No network here: keep Firefox from phoning home at start.
      'app.update.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'extensions.update.enabled': false,
      'network.captive-portal-service.enabled': false,
    },
  });
  const addonId = await browser.installExtension(extensionDir);
  return {
    browser,
    addonId,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
