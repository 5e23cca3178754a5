import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Algorithm, DEFAULT_MANAGEMENT_KEY } from '../../src/piv/constants.js';
import { decryptBlock, encryptBlock } from '../../src/crypto/block-cipher.js';
import { encodeTlv, findTlv, parseSingleTlv, parseTlvs } from '../../src/tlv.js';
import { randomBytes } from './crypto/bigint.js';
import { type SoftPivCard } from './soft-piv-card.js';
import { authenticate, poweredCard, responseOf, send } from './test-kit.js';

const KEYS = [
  [Algorithm.TDES, 'tdes', Uint8Array.from({ length: 24 }, (_, i) => 0x40 + i)],
  [Algorithm.AES_128, 'aes', Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i)],
  [Algorithm.AES_192, 'aes', Uint8Array.from({ length: 24 }, (_, i) => 0x20 + i)],
  [Algorithm.AES_256, 'aes', Uint8Array.from({ length: 32 }, (_, i) => 0x30 + i)],
] as const;

async function setKey(card: SoftPivCard, algorithm: number, key: Uint8Array, p2 = 0xff): Promise<number> {
  return (await send(card, 0xff, 0xff, p2, Uint8Array.from([algorithm, ...encodeTlv(0x9b, key)]))).sw;
}

function inner(data: Uint8Array, tag: number): Uint8Array | undefined {
  return findTlv(parseTlvs(parseSingleTlv(data, 0x7c).value), tag);
}

describe('management key (9B)', () => {
  it('authenticates with the default 3DES key of a fresh card', async () => {
    const card = await poweredCard();
    assert.equal(await authenticate(card), 0x9000);
  });

  for (const [algorithm, cipher, key] of KEYS) {
    it(`mutual and external authentication with a ${cipher} key (algorithm ${algorithm.toString(16)})`, async () => {
      const card = await poweredCard();
      await authenticate(card);
      assert.equal(await setKey(card, algorithm, key), 0x9000);
      await card.powerOn();
      assert.equal(await authenticate(card, algorithm, key), 0x9000);
      assert.equal((await send(card, 0xdb, 0x3f, 0xff, Uint8Array.from([0x5c, 0x03, 0x5f, 0xc1, 0x02, 0x53, 0x01, 0x01]))).sw, 0x9000);

      // External authentication: the card's clear challenge, encrypted by the host (ykpiv_auth_getchallenge).
      await card.powerOn();
      const challenge = await send(card, 0x87, algorithm, 0x9b, encodeTlv(0x7c, encodeTlv(0x81)));
      assert.equal(challenge.sw, 0x9000);
      const clear = inner(challenge.data, 0x81)!;
      const answer = await send(card, 0x87, algorithm, 0x9b, encodeTlv(0x7c, encodeTlv(0x82, encryptBlock(cipher, key, clear))));
      assert.equal(answer.sw, 0x9000);
      assert.equal((await send(card, 0xdb, 0x3f, 0xff, Uint8Array.from([0x5c, 0x03, 0x5f, 0xc1, 0x02, 0x53, 0x01, 0x02]))).sw, 0x9000);

      // Internal authentication proves the card's key and authenticates nothing.
      await card.powerOn();
      const hostChallenge = randomBytes(clear.length);
      const internal = await send(card, 0x87, algorithm, 0x9b, encodeTlv(0x7c, encodeTlv(0x81, hostChallenge), encodeTlv(0x82)));
      assert.deepEqual(responseOf(internal.data), encryptBlock(cipher, key, hostChallenge));
      assert.equal((await send(card, 0xdb, 0x3f, 0xff, Uint8Array.from([0x5c, 0x03, 0x5f, 0xc1, 0x02, 0x53, 0x01, 0x03]))).sw, 0x6982);
    });
  }

  it('refuses a wrong key with 6982 and a wrong algorithm with 6A80', async () => {
    const card = await poweredCard();
    const wrong = DEFAULT_MANAGEMENT_KEY.slice();
    wrong[0] = wrong[0]! ^ 0xff;
    assert.equal(await authenticate(card, Algorithm.TDES, wrong), 0x6982);
    const first = await send(card, 0x87, 0x03, 0x9b, encodeTlv(0x7c, encodeTlv(0x80)));
    const witness = decryptBlock('tdes', wrong, inner(first.data, 0x80)!);
    const second = await send(card, 0x87, 0x03, 0x9b, encodeTlv(0x7c, encodeTlv(0x80, witness), encodeTlv(0x81, randomBytes(8))));
    assert.equal(second.sw, 0x6982);
    assert.equal((await send(card, 0x87, Algorithm.AES_192, 0x9b, encodeTlv(0x7c, encodeTlv(0x80)))).sw, 0x6a80);
    assert.equal((await send(card, 0x87, 0x07, 0x9b, encodeTlv(0x7c, encodeTlv(0x80)))).sw, 0x6a86);
  });

  it('forgets the witness after any other command, so a replayed answer fails', async () => {
    const card = await poweredCard();
    const first = await send(card, 0x87, 0x03, 0x9b, encodeTlv(0x7c, encodeTlv(0x80)));
    const witness = decryptBlock('tdes', DEFAULT_MANAGEMENT_KEY, inner(first.data, 0x80)!);
    await send(card, 0xfd, 0, 0);
    const second = await send(card, 0x87, 0x03, 0x9b, encodeTlv(0x7c, encodeTlv(0x80, witness), encodeTlv(0x81, randomBytes(8))));
    assert.equal(second.sw, 0x6982);
  });

  it('loses the authentication on SELECT and on power-off', async () => {
    const card = await poweredCard();
    await authenticate(card);
    await send(card, 0xa4, 0x04, 0x00, Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x08));
    assert.equal(await setKey(card, 0x03, DEFAULT_MANAGEMENT_KEY), 0x6982);
    await authenticate(card);
    await card.powerOff();
    await card.powerOn();
    assert.equal(await setKey(card, 0x03, DEFAULT_MANAGEMENT_KEY), 0x6982);
  });

  it('SET MANAGEMENT KEY checks key length, algorithm and P1/P2', async () => {
    const card = await poweredCard();
    await authenticate(card);
    assert.equal(await setKey(card, Algorithm.AES_128, new Uint8Array(24)), 0x6a80);
    assert.equal(await setKey(card, 0x07, new Uint8Array(16)), 0x6a80);
    assert.equal(await setKey(card, Algorithm.AES_128, new Uint8Array(16), 0x00), 0x6a86);
    assert.equal(await setKey(card, Algorithm.AES_128, new Uint8Array(16), 0xfe), 0x9000);
  });
});
