import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { discoveryDocument, WELL_KNOWN } from './fixtures/discovery.js';
import { PING_PAGE } from './fixtures/ping-page.js';
import { type FirefoxWithExtension, launchFirefox } from './support/firefox.js';
import { type PageServer, servePages } from './support/static-server.js';

describe('Firefox ESR: the extension installs as a temporary add-on and answers', () => {
  let firefox: FirefoxWithExtension;
  let pages: PageServer;

  before(async () => {
    pages = await servePages({ '/ping.html': PING_PAGE, [WELL_KNOWN]: discoveryDocument('Ping Service') });
    firefox = await launchFirefox();
  });
  after(async () => {
    await firefox?.close();
    await pages?.close();
  });

  it('installs under its gecko id', () => {
    assert.equal(firefox.addonId, 'kyotsu@kyotsu.dev');
  });

  it('a content script on a participating 127.0.0.1 page relays a ping through the background script', async () => {
    const page = await firefox.browser.newPage();
    await page.goto(`${pages.origin}/ping.html`);
    await page.waitForFunction(() => document.documentElement.dataset.kyotsu === 'ready', { timeout: 15_000 });
    const reply = await page.evaluate(() => (window as unknown as { kyotsuPing(): Promise<unknown> }).kyotsuPing());
    assert.deepEqual(reply, {
      ok: true,
      result: { type: 'pong', protocolVersion: 1, extensionVersion: '0.1.0', senderContext: 'content-script', senderOrigin: pages.origin },
    });
    await page.close();
  });
});
