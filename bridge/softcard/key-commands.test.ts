import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { fromBase64Url } from '../../src/bytes.js';
import { Algorithm } from '../../src/piv/constants.js';
import { encodeTlv } from '../../src/tlv.js';
import { authenticate, poweredCard, responseOf, send, verifyPin } from './test-kit.js';

function signApdu(input: Uint8Array): Uint8Array {
  return encodeTlv(0x7c, encodeTlv(0x82), encodeTlv(0x81, input));
}

/** RFC 8017 §9.2 EMSA-PKCS1-v1_5 block for SHA-256 and a 2048-bit modulus. */
function pkcs1Block(message: Uint8Array): Uint8Array {
  const prefix = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20];
  const t = Uint8Array.from([...prefix, ...createHash('sha256').update(message).digest()]);
  const block = new Uint8Array(256).fill(0xff);
  block[0] = 0;
  block[1] = 1;
  block[256 - t.length - 1] = 0;
  block.set(t, 256 - t.length);
  return block;
}

describe('IMPORT ASYMMETRIC KEY (YubiKey FE)', () => {
  for (const [curve, algorithm, hash] of [
    ['P-256', Algorithm.ECC_P256, 'sha256'],
    ['P-384', Algorithm.ECC_P384, 'sha384'],
  ] as const) {
    it(`imports a ${curve} private scalar (06) and signs with it`, async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
      const d = fromBase64Url(privateKey.export({ format: 'jwk' }).d!);
      const card = await poweredCard();
      assert.equal((await send(card, 0xfe, algorithm, 0x9a, encodeTlv(0x06, d))).sw, 0x6982, 'management key required');
      await authenticate(card);
      assert.equal((await send(card, 0xfe, algorithm, 0x9a, encodeTlv(0x06, d))).sw, 0x9000);
      await verifyPin(card);
      const message = Buffer.from('imported EC');
      const reply = await send(card, 0x87, algorithm, 0x9a, signApdu(createHash(hash).update(message).digest()));
      assert.equal(reply.sw, 0x9000);
      assert.ok(verify(hash, message, publicKey, responseOf(reply.data)));
    });
  }

  it('imports RSA-2048 CRT components (01 p … 05 qInv) and signs with them', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });
    const data = Uint8Array.from(
      [jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].flatMap((part, i) => [...encodeTlv(i + 1, fromBase64Url(part!))]).concat([...encodeTlv(0xaa, Uint8Array.of(0x01))]),
    );
    const card = await poweredCard();
    await authenticate(card);
    assert.equal((await send(card, 0xfe, Algorithm.RSA_2048, 0x9d, data)).sw, 0x9000);
    const message = Buffer.from('imported RSA, PIN policy never');
    const reply = await send(card, 0x87, Algorithm.RSA_2048, 0x9d, signApdu(pkcs1Block(message)));
    assert.equal(reply.sw, 0x9000);
    assert.ok(verify('sha256', message, publicKey, responseOf(reply.data)));
  });

  it('refuses inconsistent RSA components, out-of-range EC scalars and unknown algorithms', async () => {
    const card = await poweredCard();
    await authenticate(card);
    const bad = Uint8Array.from([1, 2, 3, 4, 5].flatMap((tag) => [...encodeTlv(tag, new Uint8Array(128).fill(tag + 1))]));
    assert.equal((await send(card, 0xfe, Algorithm.RSA_2048, 0x9a, bad)).sw, 0x6a80);
    assert.equal((await send(card, 0xfe, Algorithm.ECC_P256, 0x9a, encodeTlv(0x06, new Uint8Array(32)))).sw, 0x6a80);
    assert.equal((await send(card, 0xfe, Algorithm.ECC_P256, 0x9a, encodeTlv(0x06, new Uint8Array(33).fill(1)))).sw, 0x6a80);
    assert.equal((await send(card, 0xfe, 0x06, 0x9a, encodeTlv(0x06, new Uint8Array(32).fill(1)))).sw, 0x6a86);
    assert.equal((await send(card, 0xfe, Algorithm.ECC_P256, 0x9b, encodeTlv(0x06, new Uint8Array(32).fill(1)))).sw, 0x6a86);
  });
});
