import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes } from '../../src/bytes.js';
import { Algorithm } from '../../src/piv/constants.js';
import { encodeTlv, findTlv, parseTlvs } from '../../src/tlv.js';
import { padReference } from './card-state.js';
import { authenticate, poweredCard, send, verifyPin } from './test-kit.js';

function metadata(data: Uint8Array): Map<number, Uint8Array> {
  return new Map(parseTlvs(data).map((t) => [t.tag, t.value]));
}

describe('GET METADATA (F7)', () => {
  it('reports PIN and PUK default state and retries (total, left)', async () => {
    const card = await poweredCard();
    await verifyPin(card, '000000');
    const pin = await send(card, 0xf7, 0x00, 0x80);
    assert.equal(pin.sw, 0x9000);
    assert.deepEqual(metadata(pin.data).get(0x05), Uint8Array.of(1));
    assert.deepEqual(metadata(pin.data).get(0x06), Uint8Array.of(3, 2));
    await send(card, 0x24, 0x00, 0x81, concatBytes(padReference('12345678'), padReference('11223344')));
    const puk = metadata((await send(card, 0xf7, 0x00, 0x81)).data);
    assert.deepEqual(puk.get(0x05), Uint8Array.of(0));
    assert.deepEqual(puk.get(0x06), Uint8Array.of(3, 3));
  });

  it('reports the management key algorithm and whether it is the default', async () => {
    const card = await poweredCard();
    const fresh = metadata((await send(card, 0xf7, 0x00, 0x9b)).data);
    assert.deepEqual(fresh.get(0x01), Uint8Array.of(Algorithm.TDES));
    assert.deepEqual(fresh.get(0x05), Uint8Array.of(1));
    await authenticate(card);
    await send(card, 0xff, 0xff, 0xff, Uint8Array.from([Algorithm.AES_256, ...encodeTlv(0x9b, new Uint8Array(32).fill(5))]));
    const changed = metadata((await send(card, 0xf7, 0x00, 0x9b)).data);
    assert.deepEqual(changed.get(0x01), Uint8Array.of(Algorithm.AES_256));
    assert.deepEqual(changed.get(0x05), Uint8Array.of(0));
  });

  it('reports a slot’s algorithm, policies, origin and public key, and 6A88 for an empty slot', async () => {
    const card = await poweredCard();
    assert.equal((await send(card, 0xf7, 0x00, 0x9c)).sw, 0x6a88);
    await authenticate(card);
    const generated = await send(card, 0x47, 0x00, 0x9c, encodeTlv(0xac, encodeTlv(0x80, Uint8Array.of(0x11))));
    const meta = metadata((await send(card, 0xf7, 0x00, 0x9c)).data);
    assert.deepEqual(meta.get(0x01), Uint8Array.of(0x11));
    assert.deepEqual(meta.get(0x02), Uint8Array.of(0x03, 0x01), 'PIN always, touch never');
    assert.deepEqual(meta.get(0x03), Uint8Array.of(0x01), 'generated on the card');
    assert.deepEqual(findTlv(parseTlvs(meta.get(0x04)!), 0x86), findTlv(parseTlvs(generated.data.subarray(3)), 0x86));
    assert.equal((await send(card, 0xf7, 0x00, 0x42)).sw, 0x6a86);
  });
});

describe('RESET (FB) and SET PIN RETRIES (FA)', () => {
  it('resets only when PIN and PUK are both blocked, then everything is factory-fresh', async () => {
    const card = await poweredCard();
    await authenticate(card);
    await send(card, 0x47, 0x00, 0x9a, encodeTlv(0xac, encodeTlv(0x80, Uint8Array.of(0x11))));
    const serial = card.serial;
    for (let i = 0; i < 3; i++) await verifyPin(card, '000000');
    assert.equal((await send(card, 0xfb, 0x00, 0x00)).sw, 0x6985, 'PUK not blocked yet');
    for (let i = 0; i < 3; i++) await send(card, 0x2c, 0x00, 0x80, concatBytes(padReference('00000000'), padReference('000000')));
    assert.equal((await send(card, 0xfb, 0x00, 0x00)).sw, 0x9000);
    assert.equal(await verifyPin(card), 0x9000);
    assert.equal((await send(card, 0xf7, 0x00, 0x9a)).sw, 0x6a88, 'keys are gone');
    assert.equal(card.serial, serial);
    assert.equal(await authenticate(card), 0x9000, 'default management key is back');
  });

  it('sets retry counters with management key and PIN, resetting PIN and PUK to defaults', async () => {
    const card = await poweredCard();
    await send(card, 0x24, 0x00, 0x80, concatBytes(padReference('123456'), padReference('777777')));
    assert.equal((await send(card, 0xfa, 5, 6)).sw, 0x6982);
    await authenticate(card);
    await verifyPin(card, '777777');
    assert.equal((await send(card, 0xfa, 5, 6)).sw, 0x9000);
    assert.deepEqual(metadata((await send(card, 0xf7, 0x00, 0x80)).data).get(0x06), Uint8Array.of(5, 5));
    assert.deepEqual(metadata((await send(card, 0xf7, 0x00, 0x81)).data).get(0x06), Uint8Array.of(6, 6));
    assert.equal((await send(card, 0x20, 0x00, 0x80)).sw, 0x63c5);
    assert.equal(await verifyPin(card), 0x9000, 'PIN is the default again');
  });
});
