import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isOriginSerialization } from './origin.js';

it('accepts only the exact serialisation of an http(s) origin', () => {
  for (const good of ['https://bank.example', 'http://127.0.0.1:8443', 'https://xn--bcher-kva.example', 'http://[::1]:3000']) {
    assert.equal(isOriginSerialization(good), true, good);
  }
  for (const bad of ['https://bank.example/', 'https://bank.example/login', 'https://BANK.example', 'https://bank.example:443',
    'https://user@bank.example', 'file:///etc/passwd', 'null', 'bank.example', '', 'chrome-extension://abc', 7]) {
    assert.equal(isOriginSerialization(bad), false, String(bad));
  }
});
