import assert from 'node:assert/strict';
import { constants, createHash, generateKeyPairSync, privateEncrypt, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { toHex } from '../../src/bytes.js';
import { CardErrorCode, isCardError } from '../../src/card-errors.js';
import { type HashName, pkcs1v15Encode, pssEncode } from './rsa-padding.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
/** What a card does with the block: the raw RSA private-key operation. */
const rawRsa = (block: Uint8Array): Buffer => privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, block);
const message = Buffer.from('kyotsu login challenge');
const nodeHash = (hash: HashName): string => hash.replace('-', '').toLowerCase();

describe('RSA encodings for raw-RSA cards (RFC 8017)', () => {
  for (const hash of ['SHA-256', 'SHA-384', 'SHA-512', 'SHA-1'] as const) {
    it(`EMSA-PKCS1-v1_5 with ${hash} verifies with node:crypto`, () => {
      const digest = new Uint8Array(createHash(nodeHash(hash)).update(message).digest());
      const block = pkcs1v15Encode(digest, hash, 256);
      assert.equal(toHex(block.subarray(0, 3)), '0001ff');
      assert.ok(verify(nodeHash(hash), message, publicKey, rawRsa(block)));
    });
  }

  for (const hash of ['SHA-256', 'SHA-384'] as const) {
    it(`EMSA-PSS with ${hash} verifies with node:crypto (salt = hash length)`, async () => {
      const digest = new Uint8Array(createHash(nodeHash(hash)).update(message).digest());
      const block = await pssEncode(digest, hash, 2048);
      assert.equal(block.length, 256);
      assert.equal(block[255], 0xbc);
      const ok = verify(nodeHash(hash), message, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest.length }, rawRsa(block));
      assert.ok(ok);
    });
  }

  it('PSS with a given salt is deterministic and a different digest fails verification', async () => {
    const digest = new Uint8Array(createHash('sha256').update(message).digest());
    const salt = new Uint8Array(32).fill(7);
    assert.deepEqual(await pssEncode(digest, 'SHA-256', 2048, salt), await pssEncode(digest, 'SHA-256', 2048, salt));
    const other = new Uint8Array(createHash('sha256').update('other').digest());
    const signature = rawRsa(await pssEncode(other, 'SHA-256', 2048, salt));
    assert.equal(verify('sha256', message, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature), false);
  });

  it('refuses a digest of the wrong length or an unknown hash', async () => {
    assert.throws(() => pkcs1v15Encode(new Uint8Array(20), 'SHA-256', 256), (e) => isCardError(e, CardErrorCode.INVALID_ARGUMENT));
    assert.throws(() => pkcs1v15Encode(new Uint8Array(16), 'MD5' as HashName, 256), (e) => isCardError(e, CardErrorCode.ALGORITHM_UNSUPPORTED));
    await assert.rejects(pssEncode(new Uint8Array(31), 'SHA-256', 2048), (e) => isCardError(e, CardErrorCode.INVALID_ARGUMENT));
  });
});
