import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fromPem, toPem } from './pem.js';

it('PEM round-trips bytes with 64-character lines', () => {
  const der = new Uint8Array(100).map((_, i) => i);
  const pem = toPem(der, 'CERTIFICATE');
  assert.ok(pem.split('\n').every((line) => line.length <= 64));
  assert.deepEqual(fromPem(pem, 'CERTIFICATE'), der);
});

it('refuses another label and a broken body', () => {
  const pem = toPem(new Uint8Array([1, 2, 3]), 'CERTIFICATE');
  assert.throws(() => fromPem(pem, 'CERTIFICATE REQUEST'), { code: 'PEM_MALFORMED' });
  assert.throws(() => fromPem('-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n', 'CERTIFICATE'), { code: 'PEM_MALFORMED' });
});
