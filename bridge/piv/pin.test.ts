import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../src/bytes.js';
import { CardErrorCode, isCardError } from '../../src/card-errors.js';
import { encodePin } from './pin.js';

describe('PIN and PUK encoding (SP 800-73-4 Part 2 §2.4.3)', () => {
  it('pads with FF to 8 bytes', () => {
    assert.equal(toHex(encodePin('123456', 'pin')), '313233343536ffff');
    assert.equal(toHex(encodePin('12345678', 'puk')), '3132333435363738');
  });

  for (const bad of ['12345', '123456789', '12345a', '', '１２３４５６', '1234 56']) {
    it(`refuses the PIN ${JSON.stringify(bad)} without echoing it`, () => {
      assert.throws(
        () => encodePin(bad, 'pin'),
        (e) => isCardError(e, CardErrorCode.PIN_FORMAT_INVALID) && e.details?.which === 'pin' && (bad === '' || !e.message.includes(bad)),
      );
    });
  }

  it('accepts printable ASCII PUKs but not control characters', () => {
    assert.equal(encodePin('abc-DEF1', 'puk').length, 8);
    assert.throws(() => encodePin('12345\n7', 'puk'), (e) => isCardError(e, CardErrorCode.PIN_FORMAT_INVALID) && e.details?.which === 'puk');
  });
});
