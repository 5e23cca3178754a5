import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { discoveryDocument, WELL_KNOWN } from './fixtures/discovery.js';
import { PING_PAGE } from './fixtures/ping-page.js';
import { type ChromiumWithExtension, launchChromium } from './support/chromium.js';
import { type PageServer, servePages } from './support/static-server.js';

describe('Chromium: the background answers typed pings', () => {
  let browser: ChromiumWithExtension;
  let pages: PageServer;

  before(async () => {
    pages = await servePages({ '/ping.html': PING_PAGE, [WELL_KNOWN]: discoveryDocument('Ping Service') });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await pages?.close();
  });

  it('the options page shows that the background answered, as an extension page', async () => {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
    const status = page.locator('#background-status');
    await status.and(page.locator('[data-state="ok"]')).waitFor({ timeout: 10_000 });
    assert.match(await status.innerText(), /Background connected \(protocol 1\)/);
    assert.equal(await status.getAttribute('data-sender-context'), 'extension-page');
    await page.close();
  });

  it('a content script on a participating 127.0.0.1 page relays a ping; the origin is the browser’s, not the page’s', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${pages.origin}/ping.html`);
    await page.waitForFunction(() => document.documentElement.dataset.kyotsu === 'ready');
    const reply = await page.evaluate(() => (window as unknown as { kyotsuPing(): Promise<unknown> }).kyotsuPing());
    assert.deepEqual(reply, {
      ok: true,
      result: { type: 'pong', protocolVersion: 1, extensionVersion: '0.1.0', senderContext: 'content-script', senderOrigin: pages.origin },
    });
    await page.close();
  });
});
