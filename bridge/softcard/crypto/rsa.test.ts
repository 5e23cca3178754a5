import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, generateKeyPairSync, publicEncrypt, randomBytes, verify } from 'node:crypto';
import { fromBase64Url, toBase64Url } from '../../../src/bytes.js';
import { generateRsaKey, rsaKeyFromCrt, rsaModulusBits, rsaPrivateOperation, type RsaPrivateKey } from './rsa.js';

const SHA256_DIGEST_INFO = Uint8Array.from([
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
]);

/** EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of SHA-256(message) for a 256-byte modulus. */
function pkcs1Block(message: Uint8Array): Uint8Array {
  const t = Uint8Array.from([...SHA256_DIGEST_INFO, ...createHash('sha256').update(message).digest()]);
  const block = new Uint8Array(256).fill(0xff);
  block[0] = 0;
  block[1] = 1;
  block[256 - t.length - 1] = 0;
  block.set(t, 256 - t.length);
  return block;
}

function nodePublic(key: RsaPrivateKey) {
  return createPublicKey({ key: { kty: 'RSA', n: toBase64Url(key.n), e: toBase64Url(key.e) }, format: 'jwk' });
}

describe('RSA engine', () => {
  it('generates a 2048-bit key whose raw private operation node:crypto verifies as RSASSA-PKCS1-v1_5', async () => {
    const key = await generateRsaKey(2048);
    assert.equal(rsaModulusBits(key), 2048);
    const message = Buffer.from('sign me');
    const signature = rsaPrivateOperation(key, pkcs1Block(message));
    assert.ok(signature);
    assert.ok(verify('sha256', message, nodePublic(key), signature));
    assert.ok(!verify('sha256', Buffer.from('not me'), nodePublic(key), signature));
  });

  it('inverts node:crypto raw public encryption (decipher)', async () => {
    const key = await generateRsaKey(2048);
    const plain = randomBytes(256);
    plain[0] = 0;
    const cipher = publicEncrypt({ key: nodePublic(key), padding: constants.RSA_NO_PADDING }, plain);
    assert.deepEqual(rsaPrivateOperation(key, cipher), new Uint8Array(plain));
  });

  it('refuses inputs of the wrong length or not below the modulus', async () => {
    const key = await generateRsaKey(2048);
    assert.equal(rsaPrivateOperation(key, new Uint8Array(255)), undefined);
    assert.equal(rsaPrivateOperation(key, new Uint8Array(256).fill(0xff)), undefined);
  });

  it('rebuilds a node-generated key from its CRT components and rejects inconsistent ones', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });
    const parts = {
      p: fromBase64Url(jwk.p!),
      q: fromBase64Url(jwk.q!),
      dp: fromBase64Url(jwk.dp!),
      dq: fromBase64Url(jwk.dq!),
      qinv: fromBase64Url(jwk.qi!),
    };
    const key = rsaKeyFromCrt(2048, parts);
    assert.ok(key);
    assert.equal(toBase64Url(key.n), jwk.n);
    const message = Buffer.from('imported');
    const signature = rsaPrivateOperation(key, pkcs1Block(message));
    assert.ok(signature && verify('sha256', message, nodePublic(key), signature));

    const wrong = { ...parts, dp: parts.dq };
    assert.equal(rsaKeyFromCrt(2048, wrong), undefined);
    assert.equal(rsaKeyFromCrt(1024, parts), undefined);
  });
});
