/** Helpers for the extension's own windows (PIN, consent, options) in Playwright tests. */
import { type BrowserContext, type Page } from 'playwright-core';
import { type ChromiumWithExtension } from './chromium.js';

/** Waits for the extension to open `path` (e.g. `/pin.html`) in a new window and returns it, loaded. */
export async function waitForExtensionWindow(browser: ChromiumWithExtension, path: string, timeout = 15_000): Promise<Page> {
  const prefix = `chrome-extension://${browser.extensionId}${path}`;
  const existing = browser.context.pages().find((page) => page.url().startsWith(prefix));
  const page = existing ?? (await browser.context.waitForEvent('page', { predicate: (p) => p.url().startsWith(prefix), timeout }));
  await page.waitForLoadState('domcontentloaded');
  return page;
}

/** The type of the browser window that shows `url` (`popup` for the extension's prompt windows). */
export async function windowTypeOf(browser: ChromiumWithExtension, url: string): Promise<string | undefined> {
  return browser.worker.evaluate(async (target) => {
    interface WindowsApi {
      getAll(options: { populate: boolean }): Promise<{ type?: string; tabs?: { url?: string }[] }[]>;
    }
    const { windows } = (globalThis as unknown as { chrome: { windows: WindowsApi } }).chrome;
    const all = await windows.getAll({ populate: true });
    return all.find((w) => w.tabs?.some((tab) => tab.url === target))?.type;
  }, url);
}

/** Opens the options page. */
export async function openOptions(browser: ChromiumWithExtension): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await page.locator('#background-status[data-state="ok"]').waitFor();
  return page;
}

/** Opens a service page and waits until kyotsu announced itself there. */
export async function openServicePage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.kyotsu === 'ready');
  return page;
}

/**
 * Clicks a button that makes its window close (Allow, OK in the PIN window) and waits for the close. The
 * click itself may report "Target closed" when the window goes away while Playwright finishes it; that is
 * the expected outcome, anything else is rethrown.
 */
export async function clickClosing(page: Page, selector: string): Promise<void> {
  const closed = page.waitForEvent('close', { timeout: 15_000 });
  try {
    await page.locator(selector).click();
  } catch (error) {
    if (!(error instanceof Error && /closed/i.test(error.message))) throw error;
  }
  await closed;
}
