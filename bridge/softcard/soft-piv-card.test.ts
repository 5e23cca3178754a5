import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isCardError } from '../../src/card-errors.js';
import { CardErrorCode } from '../../src/card-errors.js';
import { PIV_AID } from '../../src/piv/constants.js';
import { findTlv, parseSingleTlv, parseTlvs } from '../../src/tlv.js';
import { SOFT_CARD_ATR, SoftPivCard } from './soft-piv-card.js';
import { poweredCard, send, shortApdu, split } from './test-kit.js';

describe('SoftPivCard power and identity', () => {
  it('answers a YubiKey 5 ATR with a valid T=1 check byte', async () => {
    const card = await SoftPivCard.create();
    const atr = await card.powerOn();
    assert.deepEqual(atr, SOFT_CARD_ATR);
    assert.equal(atr.subarray(1).reduce((x, b) => x ^ b, 0), 0, 'TCK makes the XOR of T0..TCK zero');
  });

  it('refuses APDUs while unpowered with NO_CARD', async () => {
    const card = await SoftPivCard.create();
    await assert.rejects(card.process(shortApdu(0, 0xfd, 0, 0)), (e) => isCardError(e, CardErrorCode.NO_CARD));
  });

  it('reports firmware 5.4.3 and its serial number', async () => {
    const card = await poweredCard({ serial: 12345678 });
    assert.deepEqual(await send(card, 0xfd, 0, 0), { data: Uint8Array.of(5, 4, 3), sw: 0x9000 });
    assert.deepEqual(await send(card, 0xf8, 0, 0), { data: Uint8Array.of(0x00, 0xbc, 0x61, 0x4e), sw: 0x9000 });
    assert.equal(card.serial, 12345678);
  });
});

describe('SELECT', () => {
  for (const [name, aid] of [
    ['the full AID', PIV_AID],
    ['the AID without version (9 bytes)', PIV_AID.subarray(0, 9)],
    ['the NIST RID alone, as yubico-piv-tool does', PIV_AID.subarray(0, 5)],
  ] as const) {
    it(`selects PIV by ${name} and returns the application property template`, async () => {
      const card = await poweredCard();
      const reply = split(await card.process(shortApdu(0x00, 0xa4, 0x04, 0x00, aid, 0)));
      assert.equal(reply.sw, 0x9000);
      const apt = parseTlvs(parseSingleTlv(reply.data, 0x61).value);
      assert.deepEqual(findTlv(apt, 0x4f), PIV_AID.subarray(5));
      assert.deepEqual(parseSingleTlv(findTlv(apt, 0x79)!, 0x4f).value, PIV_AID.subarray(0, 5));
      const algorithms = parseTlvs(findTlv(apt, 0xac)!).filter((t) => t.tag === 0x80).map((t) => t.value[0]);
      assert.deepEqual(algorithms, [0x03, 0x08, 0x0a, 0x0c, 0x07, 0x11, 0x14]);
    });
  }

  it('answers 6A82 for another application and keeps PIV selected', async () => {
    const card = await poweredCard();
    const reply = split(await card.process(shortApdu(0x00, 0xa4, 0x04, 0x00, Uint8Array.of(0xa0, 0x00, 0x00, 0x05, 0x27, 0x21, 0x01), 0)));
    assert.equal(reply.sw, 0x6a82);
    assert.equal((await send(card, 0xfd, 0, 0)).sw, 0x9000);
  });

  it('answers 6A86 for a SELECT that is not by DF name', async () => {
    const card = await poweredCard();
    assert.equal(split(await card.process(shortApdu(0x00, 0xa4, 0x00, 0x00, PIV_AID))).sw, 0x6a86);
  });
});

describe('bad APDUs get status words, never exceptions', () => {
  const cases: [string, Uint8Array, number][] = [
    ['too short', Uint8Array.of(0x00, 0xa4, 0x04), 0x6700],
    ['Lc larger than the data', Uint8Array.of(0x00, 0xcb, 0x3f, 0xff, 0x05, 0x5c, 0x03), 0x6700],
    ['unknown instruction', Uint8Array.of(0x00, 0x12, 0x00, 0x00), 0x6d00],
    ['proprietary class', Uint8Array.of(0x80, 0xfd, 0x00, 0x00), 0x6e00],
    ['secure messaging class', Uint8Array.of(0x0c, 0xfd, 0x00, 0x00), 0x6e00],
    ['GET DATA with wrong P1P2', Uint8Array.of(0x00, 0xcb, 0x00, 0x00, 0x05, 0x5c, 0x03, 0x5f, 0xc1, 0x05), 0x6a86],
    ['GET DATA with malformed TLV', Uint8Array.of(0x00, 0xcb, 0x3f, 0xff, 0x03, 0x5c, 0x05, 0x5f), 0x6a80],
    ['GET DATA of an unknown object', Uint8Array.of(0x00, 0xcb, 0x3f, 0xff, 0x05, 0x5c, 0x03, 0x5f, 0xc2, 0x05), 0x6a80],
    ['GET RESPONSE with nothing pending', Uint8Array.of(0x00, 0xc0, 0x00, 0x00, 0x00), 0x6985],
    ['extended Lc of zero', Uint8Array.of(0x00, 0xcb, 0x3f, 0xff, 0x00, 0x00, 0x00, 0x01), 0x6700],
  ];
  for (const [name, apdu, sw] of cases) {
    it(`${name} → ${sw.toString(16)}`, async () => {
      const card = await poweredCard();
      assert.equal(split(await card.process(apdu)).sw, sw);
    });
  }

  it('survives 2,000 random APDUs (seeded) with a status word each time', async () => {
    const card = await poweredCard();
    let seed = 0x2545f491;
    const next = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) & 0xff;
    };
    const instructions = [0xa4, 0xcb, 0xdb, 0x20, 0x24, 0x2c, 0x87, 0x47, 0xfe, 0xfd, 0xf8, 0xf7, 0xff, 0xfa, 0xfb, 0xc0, next()];
    for (let i = 0; i < 2000; i++) {
      const length = next() % 40;
      const apdu = Uint8Array.from({ length }, next);
      if (length > 1) apdu[1] = instructions[next() % instructions.length]!;
      if (length > 0) apdu[0] = next() & 0x10;
      const response = await card.process(apdu);
      assert.ok(response.length >= 2);
      assert.notEqual(response[response.length - 2], 0x6f, `APDU ${Buffer.from(apdu).toString('hex')} caused an internal error`);
    }
  });
});

describe('one APDU at a time', () => {
  it('queues concurrent process() calls: the log shows no overlap and each caller gets its own answer', async () => {
    const card = await poweredCard({ timing: { apduMs: 5 } });
    const results = await Promise.all([
      card.process(shortApdu(0, 0xfd, 0, 0, undefined, 0)),
      card.process(shortApdu(0, 0xf8, 0, 0, undefined, 0)),
      card.process(shortApdu(0, 0x12, 0, 0)),
      card.process(shortApdu(0, 0xfd, 0, 0, undefined, 0)),
    ]);
    assert.deepEqual(results.map((r) => split(r).sw), [0x9000, 0x9000, 0x6d00, 0x9000]);
    assert.deepEqual(split(results[0]).data, Uint8Array.of(5, 4, 3));
    assert.equal(split(results[1]).data.length, 4);
    const log = card.log;
    assert.deepEqual(log.map((e) => e.ins), [0xfd, 0xf8, 0x12, 0xfd]);
    for (let i = 1; i < log.length; i++) assert.ok(log[i]!.startedAt >= log[i - 1]!.endedAt, `entry ${i} overlaps the previous one`);
    for (const entry of log) assert.ok(entry.endedAt - entry.startedAt >= 4, 'the modelled APDU latency is inside each entry');
    card.clearLog();
    assert.equal(card.log.length, 0);
  });

  it('applies a timing model changed on a card already in use from the next command on', async () => {
    const card = await poweredCard();
    await card.process(shortApdu(0, 0xfd, 0, 0, undefined, 0));
    card.setTiming({ apduMs: 15 });
    await card.process(shortApdu(0, 0xfd, 0, 0, undefined, 0));
    const [before, afterChange] = card.log;
    assert.ok(before!.endedAt - before!.startedAt < 15, 'the first command ran without the model');
    assert.ok(afterChange!.endedAt - afterChange!.startedAt >= 14, 'the second command carries the new latency');
  });

  it('rejects the command in flight and the queued ones with CARD_REMOVED on power-off, then works after power-on', async () => {
    const card = await poweredCard({ timing: { apduMs: 20 } });
    const first = card.process(shortApdu(0, 0xfd, 0, 0, undefined, 0));
    const second = card.process(shortApdu(0, 0xf8, 0, 0, undefined, 0));
    await card.powerOff();
    await assert.rejects(first, (e) => isCardError(e, CardErrorCode.CARD_REMOVED));
    await assert.rejects(second, (e) => isCardError(e, CardErrorCode.CARD_REMOVED));
    await card.powerOn();
    assert.equal(split(await card.process(shortApdu(0, 0xfd, 0, 0, undefined, 0))).sw, 0x9000);
  });
});
