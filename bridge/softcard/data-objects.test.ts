import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PIV_AID } from '../../src/piv/constants.js';
import { encodeTlv, findTlv, parseSingleTlv, parseTlvs } from '../../src/tlv.js';
import { authenticate, poweredCard, send, shortApdu, split, verifyPin } from './test-kit.js';

const CERT_9A = Uint8Array.of(0x5f, 0xc1, 0x05);

function getData(id: Uint8Array): Uint8Array {
  return encodeTlv(0x5c, id);
}

function putData(id: Uint8Array, content: Uint8Array): Uint8Array {
  return Uint8Array.from([...encodeTlv(0x5c, id), ...encodeTlv(0x53, content)]);
}

/** A 2 KB certificate container (70 cert, 71 00, FE) like yubico-piv-tool writes. */
function container(size: number): Uint8Array {
  const cert = Uint8Array.from({ length: size }, (_, i) => (i * 7) & 0xff);
  return Uint8Array.from([...encodeTlv(0x70, cert), ...encodeTlv(0x71, Uint8Array.of(0)), ...encodeTlv(0xfe)]);
}

describe('GET DATA and PUT DATA', () => {
  it('answers 6A82 for an absent certificate', async () => {
    const card = await poweredCard();
    assert.equal((await send(card, 0xcb, 0x3f, 0xff, getData(CERT_9A))).sw, 0x6a82);
  });

  it('refuses PUT DATA without the management key (6982)', async () => {
    const card = await poweredCard();
    assert.equal((await send(card, 0xdb, 0x3f, 0xff, putData(CERT_9A, container(100)))).sw, 0x6982);
  });

  it('stores a 2 KB certificate sent by command chaining and returns it through 61xx / GET RESPONSE', async () => {
    const card = await poweredCard();
    await authenticate(card);
    const content = container(2048);
    assert.equal((await send(card, 0xdb, 0x3f, 0xff, putData(CERT_9A, content))).sw, 0x9000);
    card.clearLog();
    const reply = await send(card, 0xcb, 0x3f, 0xff, getData(CERT_9A));
    assert.equal(reply.sw, 0x9000);
    assert.deepEqual(parseSingleTlv(reply.data, 0x53).value, content);
    assert.ok(card.log.filter((e) => e.ins === 0xc0).length >= 8, 'the response came in 256-byte parts');
    assert.equal(card.log[0]!.sw & 0xff00, 0x6100);
  });

  it('returns a long object in one extended APDU when Ne allows it', async () => {
    const card = await poweredCard();
    await authenticate(card);
    const content = container(1500);
    await send(card, 0xdb, 0x3f, 0xff, putData(CERT_9A, content));
    const request = getData(CERT_9A);
    const apdu = Uint8Array.from([0x00, 0xcb, 0x3f, 0xff, 0x00, 0x00, request.length, ...request, 0x00, 0x00]);
    const reply = split(await card.process(apdu));
    assert.equal(reply.sw, 0x9000);
    assert.deepEqual(parseSingleTlv(reply.data, 0x53).value, content);
  });

  it('answers a short Le with the first Ne bytes and 61xx, as OpenSC’s 8-byte length probe expects', async () => {
    const card = await poweredCard();
    const request = getData(Uint8Array.of(0x7e));
    const probe = split(await card.process(shortApdu(0, 0xcb, 0x3f, 0xff, request, 8)));
    assert.deepEqual(probe, { data: Uint8Array.of(0x7e, 0x12, 0x4f, 0x0b, 0xa0, 0x00, 0x00, 0x03), sw: 0x610c });
    const full = split(await card.process(shortApdu(0, 0xcb, 0x3f, 0xff, request, 0)));
    assert.deepEqual([full.data.length, full.sw], [20, 0x9000]);
  });

  it('deletes an object when PUT DATA carries an empty 53', async () => {
    const card = await poweredCard();
    await authenticate(card);
    await send(card, 0xdb, 0x3f, 0xff, putData(CERT_9A, container(10)));
    assert.equal((await send(card, 0xdb, 0x3f, 0xff, putData(CERT_9A, new Uint8Array(0)))).sw, 0x9000);
    assert.equal((await send(card, 0xcb, 0x3f, 0xff, getData(CERT_9A))).sw, 0x6a82);
  });

  it('refuses objects larger than 3063 bytes with 6A84', async () => {
    const card = await poweredCard();
    await authenticate(card);
    assert.equal((await send(card, 0xdb, 0x3f, 0xff, putData(CERT_9A, new Uint8Array(3064)))).sw, 0x6a84);
  });

  it('serves the fixed Discovery Object and refuses to overwrite it', async () => {
    const card = await poweredCard();
    const reply = await send(card, 0xcb, 0x3f, 0xff, getData(Uint8Array.of(0x7e)));
    assert.equal(reply.sw, 0x9000);
    const items = parseTlvs(parseSingleTlv(reply.data, 0x7e).value);
    assert.deepEqual(findTlv(items, 0x4f), PIV_AID);
    assert.deepEqual(findTlv(items, 0x5f2f), Uint8Array.of(0x40, 0x00));
    await authenticate(card);
    assert.equal((await send(card, 0xdb, 0x3f, 0xff, Uint8Array.from([...encodeTlv(0x5c, Uint8Array.of(0x7e)), ...encodeTlv(0x53, Uint8Array.of(1))]))).sw, 0x6a80);
  });

  it('guards the Printed Information object with the PIN', async () => {
    const card = await poweredCard();
    await authenticate(card);
    const printed = Uint8Array.of(0x5f, 0xc1, 0x09);
    await send(card, 0xdb, 0x3f, 0xff, putData(printed, Uint8Array.of(0x88, 0x00)));
    assert.equal((await send(card, 0xcb, 0x3f, 0xff, getData(printed))).sw, 0x6982);
    await verifyPin(card);
    assert.equal((await send(card, 0xcb, 0x3f, 0xff, getData(printed))).sw, 0x9000);
  });

  it('accepts YubiKey vendor objects (5FFF00 admin data)', async () => {
    const card = await poweredCard();
    await authenticate(card);
    const admin = Uint8Array.of(0x5f, 0xff, 0x00);
    assert.equal((await send(card, 0xdb, 0x3f, 0xff, putData(admin, encodeTlv(0x80, encodeTlv(0x81, Uint8Array.of(1)))))).sw, 0x9000);
    assert.equal((await send(card, 0xcb, 0x3f, 0xff, getData(admin))).sw, 0x9000);
  });
});
