import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Curve, ecdsaSignDigest, ecPublicKey, generateEcPrivateKey, P256, P384 } from '../bridge/softcard/crypto/ec.js';
import { verifyCsr } from '../src/pki/csr.js';
import { buildCardCsr } from './card-csr.js';

/** A stand-in for the card's key: signs the digest it is given, as GENERAL AUTHENTICATE does. */
async function cardKey(curve: Curve, namedCurve: 'P-256' | 'P-384') {
  const d = generateEcPrivateKey(curve);
  const publicKey = await crypto.subtle.importKey('raw', ecPublicKey(curve, d).slice().buffer, { name: 'ECDSA', namedCurve }, true, ['verify']);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', publicKey));
  return { spki, signDigest: (digest: Uint8Array) => ecdsaSignDigest(curve, d, digest) };
}

describe('CSR signed by the card', () => {
  for (const [algorithm, curve, namedCurve, digestLength] of [
    ['ES256', P256, 'P-256', 32],
    ['ES384', P384, 'P-384', 48],
  ] as const) {
    it(`is accepted by the CA as proof of possession of the card's ${namedCurve} key`, async () => {
      const key = await cardKey(curve, namedCurve);
      const digests: number[] = [];
      const csr = await buildCardCsr(key.spki, algorithm, (digest) => {
        digests.push(digest.length);
        return Promise.resolve({ encoding: 'raw', bytes: key.signDigest(digest) });
      });
      const verified = await verifyCsr(csr);
      assert.deepEqual(new Uint8Array(verified.publicKeyInfo.toSchema().toBER(false)), key.spki);
      assert.deepEqual(digests, [digestLength], 'the card signs exactly one digest of the request');
    });
  }

  it('is refused when the card signs with another key', async () => {
    const key = await cardKey(P256, 'P-256');
    const other = await cardKey(P256, 'P-256');
    const csr = await buildCardCsr(key.spki, 'ES256', (digest) => Promise.resolve({ encoding: 'raw', bytes: other.signDigest(digest) }));
    await assert.rejects(verifyCsr(csr), { code: 'CSR_SIGNATURE_INVALID' });
  });
});
