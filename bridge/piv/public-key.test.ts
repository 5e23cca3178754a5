import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { fromBase64Url, toHex } from '../../src/bytes.js';
import { CardErrorCode, isCardError } from '../../src/card-errors.js';
import { Algorithm } from '../../src/piv/constants.js';
import { encodeTlv } from '../../src/tlv.js';
import { publicKeyFromTemplate } from './public-key.js';

const spkiOf = (key: KeyObject): string => toHex(new Uint8Array(key.export({ type: 'spki', format: 'der' })));

describe('generated public key → SubjectPublicKeyInfo', () => {
  for (const [curve, algorithm] of [['P-256', Algorithm.ECC_P256], ['P-384', Algorithm.ECC_P384]] as const) {
    it(`${curve}: 7F49 { 86 point } gives exactly the SPKI OpenSSL gives`, async () => {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const jwk = publicKey.export({ format: 'jwk' });
      const point = Uint8Array.of(0x04, ...fromBase64Url(jwk.x!), ...fromBase64Url(jwk.y!));
      const der = await publicKeyFromTemplate(encodeTlv(0x7f49, encodeTlv(0x86, point)), algorithm);
      assert.equal(toHex(der), spkiOf(publicKey));
    });
  }

  it('RSA-2048: 7F49 { 81 n, 82 e } gives exactly the SPKI OpenSSL gives', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' });
    const template = encodeTlv(0x7f49, encodeTlv(0x81, fromBase64Url(jwk.n!)), encodeTlv(0x82, fromBase64Url(jwk.e!)));
    assert.equal(toHex(await publicKeyFromTemplate(template, Algorithm.RSA_2048)), spkiOf(publicKey));
  });

  const invalid = (e: unknown): boolean => isCardError(e, CardErrorCode.RESPONSE_INVALID);

  it('refuses a point that is not on the curve', async () => {
    const point = new Uint8Array(65).fill(1);
    point[0] = 4;
    await assert.rejects(publicKeyFromTemplate(encodeTlv(0x7f49, encodeTlv(0x86, point)), Algorithm.ECC_P256), invalid);
  });

  it('refuses a P-384-sized point for P-256, a compressed point and a short modulus', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const jwk = publicKey.export({ format: 'jwk' });
    const point = Uint8Array.of(0x04, ...fromBase64Url(jwk.x!), ...fromBase64Url(jwk.y!));
    await assert.rejects(publicKeyFromTemplate(encodeTlv(0x7f49, encodeTlv(0x86, point)), Algorithm.ECC_P256), invalid);
    await assert.rejects(publicKeyFromTemplate(encodeTlv(0x7f49, encodeTlv(0x86, point.subarray(0, 49))), Algorithm.ECC_P384), invalid);
    const short = encodeTlv(0x7f49, encodeTlv(0x81, new Uint8Array(128).fill(0xc1)), encodeTlv(0x82, Uint8Array.of(1, 0, 1)));
    await assert.rejects(publicKeyFromTemplate(short, Algorithm.RSA_2048), invalid);
  });

  it('refuses a response that is not 7F49 with TLV_MALFORMED and a symmetric algorithm as unsupported', async () => {
    await assert.rejects(publicKeyFromTemplate(encodeTlv(0x7c), Algorithm.ECC_P256), (e) => isCardError(e, CardErrorCode.TLV_MALFORMED));
    await assert.rejects(publicKeyFromTemplate(encodeTlv(0x7f49), Algorithm.AES_128), (e) => isCardError(e, CardErrorCode.ALGORITHM_UNSUPPORTED));
  });
});
