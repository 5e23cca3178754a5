import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { it } from 'node:test';
import { derToRawEcdsa, rawToDerEcdsa } from './ecdsa-signature.js';

it('raw → DER → raw round-trips WebCrypto P-256 and P-384 signatures', async () => {
  for (const [namedCurve, hash, size] of [['P-256', 'SHA-256', 32], ['P-384', 'SHA-384', 48]] as const) {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve }, false, ['sign', 'verify']);
    for (let i = 0; i < 20; i++) {
      const raw = new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash }, keys.privateKey, new Uint8Array([i])));
      assert.deepEqual(derToRawEcdsa(rawToDerEcdsa(raw), size), raw);
    }
  }
});

it('minimal DER: leading zeros are trimmed and a high bit gets a zero byte', () => {
  const raw = new Uint8Array(64);
  raw[31] = 1; // r = 1
  raw[32] = 0x80; // s has its top bit set
  assert.deepEqual([...rawToDerEcdsa(raw).subarray(0, 7)], [0x30, 0x26, 0x02, 0x01, 0x01, 0x02, 0x21]);
});

it('refuses non-minimal, negative, oversized and trailing-garbage DER', () => {
  const cases = [
    [0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01], // r has a needless leading zero
    [0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01], // r is negative
    [0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00], // trailing byte
    [0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01], // not a SEQUENCE
    [0x30, 0x06, 0x02, 0x01, 0x01, 0x02], // truncated
  ];
  for (const der of cases) assert.throws(() => derToRawEcdsa(new Uint8Array(der), 32), { code: 'SIGNATURE_MALFORMED' });
  const big = rawToDerEcdsa(new Uint8Array(96).fill(0x7f));
  assert.throws(() => derToRawEcdsa(big, 32), { code: 'SIGNATURE_MALFORMED' });
});
