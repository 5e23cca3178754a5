/**
 * The native-host tests' own step in Chromium: the options page where the holder chooses the native host as
 * the card source. The holder's other steps are e2e/support/service-steps.ts.
 */
import assert from 'node:assert/strict';
import { type ChromiumWithExtension } from './chromium.js';
import { openOptions } from './extension-pages.js';

/** The native host, pcscd and vpcd make each card step slower than the software card in the extension. */
export const NATIVE_WINDOW_TIMEOUT = 30_000;

/**
 * Chooses the native host in the options page and waits until the page says the way to the card is
 * complete; returns the readers it lists.
 */
export async function chooseNativeHost(browser: ChromiumWithExtension): Promise<string[]> {
  const options = await openOptions(browser);
  await options.locator('input[name="cardSource"][value="native"]').check();
  await options.locator('#source-status[data-state="ok"]').waitFor();
  await options.locator('#native-status[data-problem]').waitFor({ state: 'attached', timeout: 30_000 });
  const problem = await options.locator('#native-status').getAttribute('data-problem');
  assert.equal(problem, 'none', await options.locator('#native-detail').innerText());
  const readers = await options.locator('#native-readers li').allInnerTexts();
  await options.close();
  return readers;
}
