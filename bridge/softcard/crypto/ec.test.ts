import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { toBase64Url, fromBase64Url } from '../../../src/bytes.js';
import { P256, P384, type Curve, ecPublicKey, ecdsaSignDigest, ecdhSharedSecret, generateEcPrivateKey, isValidEcPrivateKey } from './ec.js';

function nodePublicKey(curve: Curve, point: Uint8Array): KeyObject {
  const x = toBase64Url(point.subarray(1, 1 + curve.size));
  const y = toBase64Url(point.subarray(1 + curve.size));
  return createPublicKey({ key: { kty: 'EC', crv: curve.name, x, y }, format: 'jwk' });
}

for (const [curve, hash] of [
  [P256, 'sha256'],
  [P384, 'sha384'],
] as const) {
  describe(`${curve.name} engine`, () => {
    it('derives the same public point as node:crypto from a node-generated private key', () => {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: curve.name });
      const jwk = privateKey.export({ format: 'jwk' });
      const d = fromBase64Url(jwk.d!);
      const point = ecPublicKey(curve, d);
      assert.equal(toBase64Url(point.subarray(1, 1 + curve.size)), jwk.x);
      assert.equal(toBase64Url(point.subarray(1 + curve.size)), jwk.y);
    });

    it('signs a precomputed digest so that node:crypto verifies it as ECDSA over the message', () => {
      const d = generateEcPrivateKey(curve);
      const publicKey = nodePublicKey(curve, ecPublicKey(curve, d));
      for (let i = 0; i < 5; i++) {
        const message = Buffer.from(`message ${i}`);
        const digest = createHash(hash).update(message).digest();
        const raw = ecdsaSignDigest(curve, d, digest);
        assert.equal(raw.length, 2 * curve.size);
        assert.ok(verify(hash, message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw));
        assert.ok(!verify(hash, Buffer.from('other'), { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw));
      }
    });

    it('truncates a longer digest and accepts a shorter one like ECDSA requires', () => {
      const d = generateEcPrivateKey(curve);
      const publicKey = nodePublicKey(curve, ecPublicKey(curve, d));
      const message = Buffer.from('truncation');
      for (const other of ['sha512', 'sha1']) {
        const raw = ecdsaSignDigest(curve, d, createHash(other).update(message).digest());
        assert.ok(verify(other, message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw), other);
      }
    });

    it('computes the same ECDH secret as node:crypto and rejects a point off the curve', () => {
      const d = generateEcPrivateKey(curve);
      const peer = generateKeyPairSync('ec', { namedCurve: curve.name });
      const peerJwk = peer.publicKey.export({ format: 'jwk' });
      const peerPoint = Uint8Array.from([0x04, ...fromBase64Url(peerJwk.x!), ...fromBase64Url(peerJwk.y!)]);
      const ours = ecdhSharedSecret(curve, d, peerPoint);
      const jwkPoint = ecPublicKey(curve, d);
      const mine = createPrivateKey({
        key: {
          kty: 'EC',
          crv: curve.name,
          d: toBase64Url(d),
          x: toBase64Url(jwkPoint.subarray(1, 1 + curve.size)),
          y: toBase64Url(jwkPoint.subarray(1 + curve.size)),
        },
        format: 'jwk',
      });
      const theirs = diffieHellman({ privateKey: mine, publicKey: peer.publicKey });
      assert.deepEqual(ours, new Uint8Array(theirs));
      const bent = peerPoint.slice();
      bent[bent.length - 1] = bent[bent.length - 1]! ^ 1;
      assert.equal(ecdhSharedSecret(curve, d, bent), undefined);
      assert.equal(ecdhSharedSecret(curve, d, peerPoint.subarray(1)), undefined);
    });

    it('accepts only private scalars in [1, n-1] of the exact size', () => {
      assert.ok(isValidEcPrivateKey(curve, generateEcPrivateKey(curve)));
      assert.ok(!isValidEcPrivateKey(curve, new Uint8Array(curve.size)));
      assert.ok(!isValidEcPrivateKey(curve, new Uint8Array(curve.size).fill(0xff)));
      assert.ok(!isValidEcPrivateKey(curve, new Uint8Array(curve.size - 1).fill(1)));
    });
  });
}
