import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CHROME_EXTENSION_ID, CHROME_EXTENSION_ID_PATTERN, CHROME_EXTENSION_KEY, chromeExtensionId, chromeExtensionOrigin } from './extension-ids.js';

describe('extension IDs', () => {
  it('the Chrome ID is the one Chrome derives from the manifest key', async () => {
    assert.equal(await chromeExtensionId(CHROME_EXTENSION_KEY), CHROME_EXTENSION_ID);
    assert.match(CHROME_EXTENSION_ID, CHROME_EXTENSION_ID_PATTERN);
  });

  it('maps the first 128 bits of SHA-256 to the letters a–p, and any other key gives another ID', async () => {
    // SHA-256("test") = 9f86d081884c7d659a2feaa0c55ad015 a3bf…: 9→j, f→p, 8→i, 6→g, d→n, 0→a, …
    assert.equal(await chromeExtensionId('dGVzdA=='), 'jpignaibiiemhngfjkcpokkamffknabf');
    assert.notEqual(await chromeExtensionId(CHROME_EXTENSION_KEY.replace('MIIBIjAN', 'MIIBIjAM')), CHROME_EXTENSION_ID);
  });

  it('allowed_origins entries end with a slash', () => {
    assert.equal(chromeExtensionOrigin(CHROME_EXTENSION_ID), `chrome-extension://${CHROME_EXTENSION_ID}/`);
  });
});
