import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import { toHex } from '../bytes.js';
import { PkiError } from './errors.js';
import { integerToSerialHex, normalizeSerialHex, randomSerial, serialToInteger } from './serial.js';

describe('serial numbers', () => {
  it('are 16 octets, positive, minimally encoded and different each time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const serial = randomSerial();
      assert.equal(serial.length, 16);
      assert.ok(serial[0]! >= 0x40 && serial[0]! <= 0x7f, 'first octet keeps the INTEGER positive and minimal');
      const integer = serialToInteger(toHex(serial));
      const der = new Uint8Array(integer.toBER(false));
      assert.equal(der[1], 16, 'DER INTEGER of exactly 16 content octets');
      seen.add(toHex(serial));
    }
    assert.equal(seen.size, 500);
  });

  it('round-trip through INTEGER in canonical form', () => {
    assert.equal(integerToSerialHex(serialToInteger('00FF')), 'ff');
    assert.equal(new Uint8Array(serialToInteger('ff').toBER(false)).length, 4, 'top bit set gets a 00 octet');
    assert.equal(normalizeSerialHex('0abc'), '0abc');
    assert.equal(normalizeSerialHex('ABC'), '0abc');
  });

  it('refuse zero, negative, too long and non-hex serials', () => {
    for (const text of ['', '00', 'xyz', '12 34', 'a'.repeat(42)]) {
      assert.throws(() => normalizeSerialHex(text), (error: unknown) => error instanceof PkiError && error.code === 'SERIAL_MALFORMED', text);
    }
    assert.throws(() => integerToSerialHex(new asn1js.Integer({ value: -5 })), PkiError);
  });
});
