import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import { tokenDigest, tokenSignedData } from './signed-data.js';

const origin = 'https://bank.example';
const nonce = '12345678901234567890123456789012345678901234';

it('signs H(origin) ‖ H(nonce text) with the algorithm hash, and the card gets H of that', async () => {
  for (const [algorithm, hash] of [['ES256', 'sha256'], ['ES384', 'sha384'], ['ES512', 'sha512'], ['PS256', 'sha256'], ['RS256', 'sha256']] as const) {
    const expected = Buffer.concat([createHash(hash).update(origin, 'utf8').digest(), createHash(hash).update(nonce, 'utf8').digest()]);
    const signed = await tokenSignedData(algorithm, origin, nonce);
    assert.deepEqual(Buffer.from(signed), expected, algorithm);
    assert.deepEqual(Buffer.from(await tokenDigest(algorithm, signed)), createHash(hash).update(expected).digest(), algorithm);
  }
});

it('keeps origin and nonce apart: moving characters between them changes the signed data', async () => {
  const a = await tokenSignedData('ES256', 'https://example.com', '.eu1234');
  const b = await tokenSignedData('ES256', 'https://example.com.eu', '1234');
  assert.notDeepEqual(a, b);
});
