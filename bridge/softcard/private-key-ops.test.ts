import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject, verify } from 'node:crypto';
import { fromBase64Url, toBase64Url } from '../../src/bytes.js';
import { Algorithm } from '../../src/piv/constants.js';
import { encodeTlv, parseSingleTlv, parseTlvs, findTlv } from '../../src/tlv.js';
import { type SoftPivCard } from './soft-piv-card.js';
import { authenticate, poweredCard, responseOf, send, verifyPin } from './test-kit.js';

const SHA256_DIGEST_INFO = Uint8Array.from([0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]);

/** EMSA-PKCS1-v1_5 (RFC 8017 §9.2) of SHA-256(message), 256 bytes, as the host pads it for an RSA-2048 card. */
function pkcs1Block(message: Uint8Array): Uint8Array {
  const t = Uint8Array.from([...SHA256_DIGEST_INFO, ...createHash('sha256').update(message).digest()]);
  const block = new Uint8Array(256).fill(0xff);
  block[0] = 0;
  block[1] = 1;
  block[256 - t.length - 1] = 0;
  block.set(t, 256 - t.length);
  return block;
}

/** Generates a key on the card and returns node's view of its public key. */
async function generate(card: SoftPivCard, slot: number, algorithm: number, extra: Uint8Array[] = []): Promise<KeyObject> {
  const reply = await send(card, 0x47, 0x00, slot, encodeTlv(0xac, encodeTlv(0x80, Uint8Array.of(algorithm)), ...extra));
  assert.equal(reply.sw, 0x9000);
  const items = parseTlvs(parseSingleTlv(reply.data, 0x7f49).value);
  if (algorithm === Algorithm.RSA_2048) {
    const n = findTlv(items, 0x81)!;
    assert.equal(n.length, 256);
    return createPublicKey({ key: { kty: 'RSA', n: toBase64Url(n), e: toBase64Url(findTlv(items, 0x82)!) }, format: 'jwk' });
  }
  const point = findTlv(items, 0x86)!;
  const size = algorithm === Algorithm.ECC_P256 ? 32 : 48;
  assert.equal(point.length, 1 + 2 * size);
  return createPublicKey({
    key: { kty: 'EC', crv: size === 32 ? 'P-256' : 'P-384', x: toBase64Url(point.subarray(1, 1 + size)), y: toBase64Url(point.subarray(1 + size)) },
    format: 'jwk',
  });
}

function signApdu(input: Uint8Array): Uint8Array {
  return encodeTlv(0x7c, encodeTlv(0x82), encodeTlv(0x81, input));
}

describe('GENERATE ASYMMETRIC KEY PAIR and signing', () => {
  for (const [algorithm, hash] of [
    [Algorithm.ECC_P256, 'sha256'],
    [Algorithm.ECC_P384, 'sha384'],
  ] as const) {
    it(`ECC ${algorithm.toString(16)}: signs the host's digest with a DER signature node:crypto verifies`, async () => {
      const card = await poweredCard();
      assert.equal(await authenticate(card), 0x9000);
      const publicKey = await generate(card, 0x9a, algorithm);
      assert.equal(await verifyPin(card), 0x9000);
      const message = Buffer.from('web-eid:1.0 origin ‖ nonce');
      const reply = await send(card, 0x87, algorithm, 0x9a, signApdu(createHash(hash).update(message).digest()));
      assert.equal(reply.sw, 0x9000);
      const der = responseOf(reply.data);
      assert.equal(der[0], 0x30);
      assert.ok(verify(hash, message, publicKey, der));
    });
  }

  it('RSA-2048: the raw private operation on the PKCS#1 block is a signature node:crypto verifies', async () => {
    const card = await poweredCard();
    await authenticate(card);
    const publicKey = await generate(card, 0x9a, Algorithm.RSA_2048);
    await verifyPin(card);
    const message = Buffer.from('rsa message');
    const reply = await send(card, 0x87, Algorithm.RSA_2048, 0x9a, signApdu(pkcs1Block(message)));
    assert.equal(reply.sw, 0x9000);
    const signature = responseOf(reply.data);
    assert.equal(signature.length, 256);
    assert.ok(verify('sha256', message, publicKey, signature));
    assert.equal((await send(card, 0x87, Algorithm.RSA_2048, 0x9a, signApdu(new Uint8Array(255)))).sw, 0x6a80, 'block must be modulus-sized');
  });

  it('needs the management key to generate', async () => {
    const card = await poweredCard();
    assert.equal((await send(card, 0x47, 0x00, 0x9a, encodeTlv(0xac, encodeTlv(0x80, Uint8Array.of(0x11))))).sw, 0x6982);
  });

  it('refuses unknown algorithms, bad templates and bad slots', async () => {
    const card = await poweredCard();
    await authenticate(card);
    assert.equal((await send(card, 0x47, 0x00, 0x9a, encodeTlv(0xac, encodeTlv(0x80, Uint8Array.of(0x06))))).sw, 0x6a80);
    assert.equal((await send(card, 0x47, 0x00, 0x9a, encodeTlv(0x80, Uint8Array.of(0x11)))).sw, 0x6a80);
    assert.equal((await send(card, 0x47, 0x00, 0x9b, encodeTlv(0xac, encodeTlv(0x80, Uint8Array.of(0x11))))).sw, 0x6a86);
    assert.equal((await send(card, 0x47, 0x00, 0x9a, encodeTlv(0xac, encodeTlv(0x80, Uint8Array.of(0x11)), encodeTlv(0xaa, Uint8Array.of(9))))).sw, 0x6a80);
  });
});

describe('PIN policies of GENERAL AUTHENTICATE', () => {
  it('9A needs the PIN once per session', async () => {
    const card = await poweredCard();
    await authenticate(card);
    await generate(card, 0x9a, Algorithm.ECC_P256);
    const digest = new Uint8Array(32).fill(7);
    assert.equal((await send(card, 0x87, 0x11, 0x9a, signApdu(digest))).sw, 0x6982);
    await verifyPin(card);
    assert.equal((await send(card, 0x87, 0x11, 0x9a, signApdu(digest))).sw, 0x9000);
    assert.equal((await send(card, 0x87, 0x11, 0x9a, signApdu(digest))).sw, 0x9000);
  });

  it('9C (Digital Signature) needs a fresh VERIFY before every signature', async () => {
    const card = await poweredCard();
    await authenticate(card);
    await generate(card, 0x9c, Algorithm.ECC_P256);
    const digest = new Uint8Array(32).fill(9);
    await verifyPin(card);
    assert.equal((await send(card, 0x87, 0x11, 0x9c, signApdu(digest))).sw, 0x9000);
    assert.equal((await send(card, 0x87, 0x11, 0x9c, signApdu(digest))).sw, 0x6982);
    await verifyPin(card);
    assert.equal((await send(card, 0x87, 0x11, 0x9c, signApdu(digest))).sw, 0x9000);
  });

  it('9E (Card Authentication) needs no PIN, and a policy given at generation overrides the default', async () => {
    const card = await poweredCard();
    await authenticate(card);
    await generate(card, 0x9e, Algorithm.ECC_P256);
    await generate(card, 0x9d, Algorithm.ECC_P256, [encodeTlv(0xaa, Uint8Array.of(0x01))]);
    assert.equal((await send(card, 0x87, 0x11, 0x9e, signApdu(new Uint8Array(32)))).sw, 0x9000);
    assert.equal((await send(card, 0x87, 0x11, 0x9d, signApdu(new Uint8Array(32)))).sw, 0x9000);
  });
});

describe('GENERAL AUTHENTICATE errors', () => {
  it('answers 6A80 for an empty slot and for an algorithm that is not the key’s', async () => {
    const card = await poweredCard();
    await verifyPin(card);
    assert.equal((await send(card, 0x87, 0x11, 0x9a, signApdu(new Uint8Array(32)))).sw, 0x6a80);
    await authenticate(card);
    await generate(card, 0x9a, Algorithm.ECC_P256);
    assert.equal((await send(card, 0x87, 0x14, 0x9a, signApdu(new Uint8Array(48)))).sw, 0x6a80);
    assert.equal((await send(card, 0x87, 0x07, 0x9a, signApdu(new Uint8Array(256)))).sw, 0x6a80);
  });

  it('answers 6A80 for a malformed template and 6A86 for a key reference that is no slot', async () => {
    const card = await poweredCard();
    await authenticate(card);
    await generate(card, 0x9a, Algorithm.ECC_P256);
    await verifyPin(card);
    assert.equal((await send(card, 0x87, 0x11, 0x9a, encodeTlv(0x7c, encodeTlv(0x81, new Uint8Array(32))))).sw, 0x6a80, 'no 82');
    assert.equal((await send(card, 0x87, 0x11, 0x9a, Uint8Array.of(0x7c, 0x05, 0x82))).sw, 0x6a80, 'truncated TLV');
    assert.equal((await send(card, 0x87, 0x11, 0x80, signApdu(new Uint8Array(32)))).sw, 0x6a86);
  });
});

describe('ECDH (tag 85)', () => {
  it('derives the same shared secret as node:crypto', async () => {
    const card = await poweredCard();
    await authenticate(card);
    const cardKey = await generate(card, 0x9d, Algorithm.ECC_P256);
    await verifyPin(card);
    const peer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = peer.publicKey.export({ format: 'jwk' });
    const point = Uint8Array.from([0x04, ...fromBase64Url(jwk.x!), ...fromBase64Url(jwk.y!)]);
    const reply = await send(card, 0x87, 0x11, 0x9d, encodeTlv(0x7c, encodeTlv(0x82), encodeTlv(0x85, point)));
    assert.equal(reply.sw, 0x9000);
    assert.deepEqual(responseOf(reply.data), new Uint8Array(diffieHellman({ privateKey: peer.privateKey, publicKey: cardKey })));
  });
});
