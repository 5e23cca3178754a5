import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from './bytes.js';
import { CardErrorCode, isCardError } from './card-errors.js';
import { encodeLength, encodeTlv, findTlv, parseSingleTlv, parseTlvs, readTlv } from './tlv.js';

const isTlvMalformed = (e: unknown): boolean => isCardError(e, CardErrorCode.TLV_MALFORMED);

describe('BER-TLV', () => {
  it('reads one-, two- and three-byte tags as PIV uses them (5C, 7F49, 5FC105)', () => {
    const tlvs = parseTlvs(fromHex('5c035fc105' + '7f4903860100' + '5fc10500'));
    assert.deepEqual(
      tlvs.map((t) => [t.tag, toHex(t.value), t.constructed]),
      [[0x5c, '5fc105', false], [0x7f49, '860100', true], [0x5fc105, '', false]],
    );
  });

  it('reads the length forms 81 and 82 and 83', () => {
    const v200 = new Uint8Array(200).fill(7);
    const v300 = new Uint8Array(300).fill(8);
    assert.deepEqual(readTlv(encodeTlv(0x70, v200)).tlv.value, v200);
    assert.equal(toHex(encodeTlv(0x70, v300).subarray(0, 4)), '7082012c');
    assert.deepEqual(parseSingleTlv(fromHex('5383000001aa')).value, fromHex('aa'));
  });

  it('writes minimal lengths and round-trips nested objects', () => {
    assert.equal(toHex(encodeLength(0x7f)), '7f');
    assert.equal(toHex(encodeLength(0x80)), '8180');
    assert.equal(toHex(encodeLength(0x100)), '820100');
    assert.equal(toHex(encodeLength(0x10000)), '83010000');
    const inner = encodeTlv(0x7c, encodeTlv(0x82), encodeTlv(0x81, fromHex('0102')));
    assert.equal(toHex(inner), '7c06820081020102');
    const parsed = parseTlvs(parseSingleTlv(inner, 0x7c).value);
    assert.equal(toHex(findTlv(parsed, 0x81)!), '0102');
    assert.equal(findTlv(parsed, 0x85), undefined);
  });

  const bad: [string, string][] = [
    ['truncated value', '5304aabbcc'],
    ['missing length', '53'],
    ['indefinite length', '5380aa0000'],
    ['truncated long length', '5382'],
    ['four length bytes', '538400000001aa'],
    ['tag longer than three bytes', '5fc1c1c10100'],
    ['truncated multi-byte tag', '5fc1'],
    ['first tag byte FF', 'ff0100'],
    ['first tag byte 00', '000100'],
  ];
  for (const [why, hex] of bad) {
    it(`refuses ${why} with TLV_MALFORMED`, () => {
      assert.throws(() => parseTlvs(fromHex(hex)), isTlvMalformed);
    });
  }

  it('refuses trailing bytes and a wrong tag where exactly one object is expected', () => {
    assert.throws(() => parseSingleTlv(fromHex('530100ff')), isTlvMalformed);
    assert.throws(() => parseSingleTlv(fromHex('530100'), 0x7c), isTlvMalformed);
  });
});
