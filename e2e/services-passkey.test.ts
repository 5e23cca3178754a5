import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { demoPassword } from '../server/services/seed.js';
import { type RunningService, startService } from '../server/services/service.js';

/** A fresh context whose page has a platform authenticator that holds discoverable credentials and verifies the user. */
async function pageWithAuthenticator(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { context, page };
}

describe('passkeys at a demo service (Chromium, virtual authenticator)', () => {
  let bank: RunningService;
  let cardCo: RunningService;
  let browser: Browser;
  before(async () => {
    bank = await startService({
      config: { id: 'bank-b', kind: 'bank', theme: { displayName: 'Bank B', accent: '#7c3aed', tagline: 'test' }, checkMode: 'ca-check' },
      dbPath: ':memory:',
    });
    cardCo = await startService({
      config: { id: 'card-co', kind: 'card', theme: { displayName: 'Card Co.', accent: '#b45309', tagline: 'test' }, checkMode: 'ca-check' },
      dbPath: ':memory:',
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'] });
  });
  after(async () => {
    await browser?.close();
    await bank?.close();
    await cardCo?.close();
  });

  it('registers a passkey after a password login, then logs in with it instead of the password', async () => {
    const { context, page } = await pageWithAuthenticator(browser);

    await page.goto(`${bank.origin}/login`);
    await page.fill('#userId', 'hanako');
    await page.fill('#password', demoPassword('hanako', 'bank-b'));
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid="logged-in"][data-auth="password"]');

    await page.goto(`${bank.origin}/account`);
    await page.click('#passkey-register');
    await page.waitForSelector('#script-status.info');
    assert.match(await page.innerText('#script-status'), /Passkey registered/);
    await page.reload();
    assert.equal(await page.innerText('[data-testid="passkey-count"]'), '1 passkey registered.');

    await page.click('header nav button[type=submit]'); // log out
    await page.waitForSelector('[data-testid="landing"]');
    await page.goto(`${bank.origin}/login`);
    await page.click('#passkey-login');
    await page.waitForSelector('[data-testid="logged-in"][data-auth="passkey"]');
    assert.match(await page.innerText('[data-testid="logged-in"]'), /Hanako Yamada with a passkey/);
    await context.close();
  });

  it('refuses a passkey registered at another demo service (same RP ID, other service)', async () => {
    const { context, page } = await pageWithAuthenticator(browser);
    await page.goto(`${cardCo.origin}/login`);
    await page.fill('#userId', 'taro');
    await page.fill('#password', demoPassword('taro', 'card-co'));
    await page.click('button[type=submit]');
    await page.goto(`${cardCo.origin}/account`);
    await page.click('#passkey-register');
    await page.waitForSelector('#script-status.info');

    await page.goto(`${bank.origin}/login`);
    await page.click('#passkey-login');
    await page.waitForSelector('#script-status.error');
    assert.equal(await page.innerText('#script-status'), 'This passkey is not registered here.');
    assert.equal(await page.locator('[data-testid="logged-in"]').count(), 0);
    await context.close();
  });
});
