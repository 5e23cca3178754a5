import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseStrictJson, StrictJsonError } from './strict-json.js';

it('parses what JSON.parse parses, to the same value', () => {
  const texts = [
    '{"a":1,"b":[true,false,null,"x\\u00e9\\n\\"\\\\\\/"],"c":{"d":-0.5e+3}}',
    ' [ ] ',
    '"\\ud83d\\ude00"',
    '0',
    '-12.25E-2',
    '{"nested":{"a":{"b":[[{}]]}}}',
    '{"a":"1","A":"2"}',
  ];
  for (const text of texts) assert.deepEqual(parseStrictJson(text), JSON.parse(text), text);
});

it('refuses duplicate member names, also when spelt with escapes or nested', () => {
  for (const text of [
    '{"algorithm":"ES256","algorithm":"none"}',
    '{"a":1,"\\u0061":2}',
    '{"outer":{"x":1,"x":1}}',
    '[{"k":0},{"k":1,"k":2}]',
  ]) {
    assert.throws(() => parseStrictJson(text), (error: unknown) => error instanceof StrictJsonError && error.reason === 'duplicate-key', text);
  }
});

it('refuses what RFC 8259 does not allow', () => {
  for (const text of ['', '{', '{"a":1,}', '[1,]', "{'a':1}", '{"a":01}', '{"a":1}x', 'NaN', '"tab\there"', '"\\x"', '{"a" 1}', '+1', '.5', 'tru']) {
    assert.throws(() => parseStrictJson(text), (error: unknown) => error instanceof StrictJsonError && error.reason === 'syntax', text);
  }
});

it('keeps a member named __proto__ as a member without touching the prototype', () => {
  const value = parseStrictJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
  assert.deepEqual(Object.keys(value), ['__proto__']);
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.equal((value as { polluted?: unknown }).polluted, undefined);
});

it('bounds nesting depth', () => {
  assert.throws(() => parseStrictJson('['.repeat(40) + ']'.repeat(40)), (error: unknown) => error instanceof StrictJsonError && error.reason === 'too-deep');
  assert.deepEqual(parseStrictJson('[[1]]', 2), [[1]]);
});

it('only ever throws StrictJsonError on random input (seeded fuzz)', () => {
  let state = 0x2545f491;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  const alphabet = '{}[]":,\\u0123456789abcdeftrunl -.eE+\t\n';
  for (let i = 0; i < 5000; i++) {
    let text = '';
    const length = Math.floor(next() * 24);
    for (let j = 0; j < length; j++) text += alphabet[Math.floor(next() * alphabet.length)];
    let expected: unknown;
    try {
      expected = JSON.parse(text);
    } catch (error) {
      assert.ok(error instanceof SyntaxError);
      assert.throws(() => parseStrictJson(text), StrictJsonError, text);
      continue;
    }
    try {
      assert.deepEqual(parseStrictJson(text), expected, text);
    } catch (error) {
      assert.ok(error instanceof StrictJsonError && error.reason === 'duplicate-key', text);
    }
  }
});
