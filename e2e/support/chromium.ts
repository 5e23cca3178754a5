/**
 * Debian's Chromium, driven by Playwright, with an unpacked build of the extension loaded
 * (headless, `--disable-extensions-except` + `--load-extension`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Worker } from 'playwright-core';

/** The test build of the Chrome extension (scripts/build.ts --test-build). */
export const CHROME_TEST_BUILD = resolve(import.meta.dirname, '../../dist/test/chrome');

/** A running Chromium with the extension, its id and its background service worker. */
export interface ChromiumWithExtension {
  readonly context: BrowserContext;
  readonly extensionId: string;
  readonly worker: Worker;
  close(): Promise<void>;
}

/** Flags that keep Chromium quiet on a machine with no network (see the machine notes). */
export const QUIET_FLAGS = ['--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--disable-gpu'];

/** Extra launch settings. */
export interface ChromiumLaunchOptions {
  /** Environment of the Chromium process (e.g. a `HOME` of the test's own). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The profile (`--user-data-dir`) to use, left in place on close (its owner removes it); default: a fresh
   * temporary one, removed on close. On Linux Chromium reads per-user native-messaging host manifests from
   * `<user-data-dir>/NativeMessagingHosts`, so `$HOME/.config/chromium` is where `kyotsu host install` writes.
   */
  readonly userDataDir?: string;
}

/** Launches Chromium with the extension at `extensionDir` and waits for its service worker. */
export async function launchChromium(extensionDir = CHROME_TEST_BUILD, options: ChromiumLaunchOptions = {}): Promise<ChromiumWithExtension> {
  const profile = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'kyotsu-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
    args: [`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`, '--no-sandbox', ...QUIET_FLAGS],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    extensionId,
    worker,
    close: async () => {
      await context.close();
      if (options.userDataDir === undefined) rmSync(profile, { recursive: true, force: true });
    },
  };
}
