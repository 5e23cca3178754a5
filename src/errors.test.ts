import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fromErrorObject, KyotsuError, toErrorObject } from './errors.js';

it('a typed error survives JSON between contexts with code, message and details', () => {
  const original = new KyotsuError('PIN_INVALID', 'wrong PIN', { retriesLeft: 2 });
  const wire: unknown = JSON.parse(JSON.stringify({ error: original }));
  const back = fromErrorObject(toErrorObject((wire as { error: unknown }).error));
  assert.ok(back instanceof KyotsuError);
  assert.equal(back.code, 'PIN_INVALID');
  assert.equal(back.message, 'wrong PIN');
  assert.deepEqual(back.details, { retriesLeft: 2 });
});

it('anything else thrown becomes INTERNAL with its message', () => {
  assert.deepEqual(toErrorObject(new TypeError('bad')), { code: 'INTERNAL', message: 'bad' });
  assert.deepEqual(toErrorObject('text'), { code: 'INTERNAL', message: 'text' });
});
