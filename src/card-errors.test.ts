import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CardError, CardErrorCode, cardErrorFromObject, isCardError, PinBlockedError, PinInvalidError } from './card-errors.js';
import { fromErrorObject, KyotsuError, toErrorObject } from './errors.js';

const viaJson = (e: unknown): KyotsuError => cardErrorFromObject(toErrorObject(JSON.parse(JSON.stringify(e)) as unknown));

describe('card errors', () => {
  it('a wrong PIN survives JSON as PinInvalidError with retriesLeft', () => {
    const back = viaJson(new PinInvalidError('pin', 2, { sw: '63c2' }));
    assert.ok(back instanceof PinInvalidError);
    assert.equal(back.code, 'PIN_INVALID');
    assert.equal(back.retriesLeft, 2);
    assert.equal(back.message, 'Wrong PIN: 2 tries left');
    assert.deepEqual(back.details, { sw: '63c2', which: 'pin', retriesLeft: 2 });
  });

  it('PUK errors keep their own codes', () => {
    const invalid = viaJson(new PinInvalidError('puk', 1));
    assert.equal(invalid.code, 'PUK_INVALID');
    assert.equal(invalid.message, 'Wrong PUK: 1 try left');
    const blocked = viaJson(new PinBlockedError('puk'));
    assert.ok(blocked instanceof PinBlockedError);
    assert.equal(blocked.code, 'PUK_BLOCKED');
  });

  it('other card codes come back as CardError with details; the generic revival keeps them too', () => {
    const original = new CardError(CardErrorCode.CARD_ERROR, 'Card returned status 6f00', { sw: '6f00' });
    const back = viaJson(original);
    assert.ok(back instanceof CardError);
    assert.deepEqual(back.toJSON(), original.toJSON());
    const generic = fromErrorObject(toErrorObject(JSON.parse(JSON.stringify(original)) as unknown));
    assert.ok(isCardError(generic, CardErrorCode.CARD_ERROR));
    assert.equal(generic.details?.sw, '6f00');
  });

  it('unknown codes stay plain KyotsuErrors and are not card errors', () => {
    const back = cardErrorFromObject({ code: 'FORBIDDEN_SENDER', message: 'no' });
    assert.equal(back.constructor, KyotsuError);
    assert.equal(isCardError(back), false);
    assert.equal(isCardError(new Error('x')), false);
  });
});
