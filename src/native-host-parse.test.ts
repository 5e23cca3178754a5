import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toBase64 } from './bytes.js';
import { KyotsuError } from './errors.js';
import { NativeHostErrorCode } from './native-host-errors.js';
import { NATIVE_REQUEST_TYPES, parseNativeHostMessage, parseNativeRequest, parseNativeResult, requestIdOf } from './native-host-parse.js';
import { MAX_COMMAND_APDU_BYTES } from './native-host-protocol.js';

const ATR = toBase64(Uint8Array.of(0x3b, 0xfd, 0x13, 0x00));
const SELECT = toBase64(Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08));

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof KyotsuError, `a typed error, not ${String(error)}`);
    return error.code;
  }
  return 'no error';
}

describe('native host requests', () => {
  it('accepts every request type in its documented shape', () => {
    const valid = [
      { id: 1, type: 'hello', protocolVersion: 1 },
      { id: 2, type: 'listReaders' },
      { id: 3, type: 'watch', enabled: true },
      { id: 4, type: 'connect', reader: 'Virtual PCD 00 01' },
      { id: 5, type: 'begin', handle: 7, timeoutMs: 30_000 },
      { id: 6, type: 'transmit', handle: 7, apdu: SELECT },
      { id: 7, type: 'end', handle: 7, disposition: 'reset' },
      { id: 8, type: 'disconnect', handle: 7 },
    ];
    assert.deepEqual(valid.map((request) => request.type), NATIVE_REQUEST_TYPES);
    for (const request of valid) assert.deepEqual(parseNativeRequest(JSON.parse(JSON.stringify(request))), request);
  });

  const refused: [string, unknown, string][] = [
    ['not an object', [1, 2], 'BAD_MESSAGE'],
    ['null', null, 'BAD_MESSAGE'],
    ['no type', { id: 1 }, 'BAD_MESSAGE'],
    ['unknown type', { id: 1, type: 'format' }, NativeHostErrorCode.UNKNOWN_REQUEST],
    ['inherited name as type', { id: 1, type: 'toString' }, NativeHostErrorCode.UNKNOWN_REQUEST],
    ['id zero', { id: 0, type: 'listReaders' }, 'BAD_MESSAGE'],
    ['id fraction', { id: 1.5, type: 'listReaders' }, 'BAD_MESSAGE'],
    ['id as string', { id: '1', type: 'listReaders' }, 'BAD_MESSAGE'],
    ['extra field', { id: 1, type: 'listReaders', origin: 'https://evil.example' }, 'BAD_MESSAGE'],
    ['reader with a newline', { id: 1, type: 'connect', reader: 'a\nb' }, 'BAD_MESSAGE'],
    ['empty reader', { id: 1, type: 'connect', reader: '' }, 'BAD_MESSAGE'],
    ['apdu not base64', { id: 1, type: 'transmit', handle: 1, apdu: 'AKQE!' }, 'BAD_MESSAGE'],
    ['apdu of 3 bytes', { id: 1, type: 'transmit', handle: 1, apdu: toBase64(Uint8Array.of(0, 0xa4, 4)) }, 'BAD_MESSAGE'],
    ['apdu too long', { id: 1, type: 'transmit', handle: 1, apdu: toBase64(new Uint8Array(MAX_COMMAND_APDU_BYTES + 1)) }, 'BAD_MESSAGE'],
    ['negative handle', { id: 1, type: 'transmit', handle: -1, apdu: SELECT }, 'BAD_MESSAGE'],
    ['begin waiting too long', { id: 1, type: 'begin', handle: 1, timeoutMs: 10_000_000 }, 'BAD_MESSAGE'],
    ['unknown disposition', { id: 1, type: 'end', handle: 1, disposition: 'eject' }, 'BAD_MESSAGE'],
    ['watch without enabled', { id: 1, type: 'watch' }, 'BAD_MESSAGE'],
  ];
  for (const [name, value, code] of refused) {
    it(`refuses ${name} with ${code}`, () => {
      assert.equal(codeOf(() => parseNativeRequest(value)), code);
    });
  }

  it('recovers the id of a refused request so the error reply is correlated', () => {
    assert.equal(requestIdOf({ id: 42, type: 'format' }), 42);
    assert.equal(requestIdOf({ id: '42' }), null);
    assert.equal(requestIdOf('x'), null);
  });

  it('names the offending field', () => {
    try {
      parseNativeRequest({ id: 1, type: 'begin', handle: 1, timeoutMs: 'soon' });
      assert.fail('accepted');
    } catch (error) {
      assert.ok(error instanceof KyotsuError);
      assert.equal(error.details?.field, 'timeoutMs');
    }
  });
});

describe('native host replies and events', () => {
  it('reads an event fully and refuses an event with a forged field', () => {
    assert.deepEqual(parseNativeHostMessage({ type: 'event', event: { kind: 'card-inserted', reader: 'R', atr: ATR } }), {
      type: 'event',
      event: { kind: 'card-inserted', reader: 'R', atr: ATR },
    });
    assert.deepEqual(parseNativeHostMessage({ type: 'event', event: { kind: 'pcsc', status: 'down', message: 'PC/SC service not running' } }), {
      type: 'event',
      event: { kind: 'pcsc', status: 'down', message: 'PC/SC service not running' },
    });
    assert.equal(codeOf(() => parseNativeHostMessage({ type: 'event', event: { kind: 'card-removed', reader: 'R', atr: ATR } })), 'BAD_MESSAGE');
    assert.equal(codeOf(() => parseNativeHostMessage({ type: 'event', event: { kind: 'card-eaten', reader: 'R' } })), 'BAD_MESSAGE');
  });

  it('reads error replies with and without an id, keeping code and details', () => {
    assert.deepEqual(parseNativeHostMessage({ type: 'reply', id: 3, ok: false, error: { code: 'NO_CARD', message: 'empty', details: { reader: 'R' } } }), {
      type: 'reply',
      id: 3,
      ok: false,
      error: { code: 'NO_CARD', message: 'empty', details: { reader: 'R' } },
    });
    const anonymous = parseNativeHostMessage({ type: 'reply', id: null, ok: false, error: { code: 'NATIVE_MESSAGE_MALFORMED', message: 'not JSON' } });
    assert.equal(anonymous.type === 'reply' && anonymous.id, null);
    assert.equal(codeOf(() => parseNativeHostMessage({ type: 'reply', id: 3, ok: false, error: { code: 'X', message: 'm', details: { nested: {} } } })), 'BAD_MESSAGE');
  });

  it('checks each result against the request it answers', () => {
    assert.deepEqual(parseNativeResult('transmit', { response: toBase64(Uint8Array.of(0x90, 0x00)) }), { response: 'kAA=' });
    assert.deepEqual(parseNativeResult('listReaders', { readers: [{ name: 'R', card: 'present', atr: ATR, busy: false }] }), {
      readers: [{ name: 'R', card: 'present', atr: ATR, busy: false }],
    });
    assert.equal(codeOf(() => parseNativeResult('transmit', { response: toBase64(Uint8Array.of(0x90)) })), 'BAD_MESSAGE');
    assert.equal(codeOf(() => parseNativeResult('connect', { handle: 1, reader: 'R' })), 'BAD_MESSAGE');
    assert.equal(codeOf(() => parseNativeResult('end', { ended: false })), 'BAD_MESSAGE');
    assert.equal(codeOf(() => parseNativeResult('listReaders', { readers: [{ name: 'R', card: 'on fire', atr: null, busy: false }] })), 'BAD_MESSAGE');
  });

  it('refuses a reply that is neither ok nor an error', () => {
    assert.equal(codeOf(() => parseNativeHostMessage({ type: 'reply', id: 1 })), 'BAD_MESSAGE');
    assert.equal(codeOf(() => parseNativeHostMessage({ type: 'pong' })), 'BAD_MESSAGE');
  });
});

describe('native host request parser fuzz', () => {
  it('turns 3000 mutated requests into requests or typed errors only', () => {
    // Deterministic xorshift32 PRNG: the same mutations on every run.
    let seed = 0x9e3779b9;
    const next = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const values: unknown[] = [null, true, 0, -1, 1.5, 2 ** 31, '', 'x', SELECT, [], {}, { a: 1 }, 'Virtual PCD 00 01', 'leave', 'reset'];
    const fields = ['id', 'type', 'handle', 'apdu', 'reader', 'timeoutMs', 'enabled', 'disposition', 'protocolVersion', '__proto__', 'extra'];
    const base = [
      { id: 1, type: 'transmit', handle: 2, apdu: SELECT },
      { id: 1, type: 'connect', reader: 'R' },
      { id: 1, type: 'begin', handle: 2, timeoutMs: 10 },
    ];
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const request: Record<string, unknown> = { ...pick(base) };
      const mutations = 1 + Math.floor(next() * 3);
      for (let m = 0; m < mutations; m++) {
        const field = pick(fields);
        if (next() < 0.2) delete request[field];
        else request[field] = field === 'type' && next() < 0.5 ? pick(NATIVE_REQUEST_TYPES) : pick(values);
      }
      try {
        parseNativeRequest(request);
        accepted++;
      } catch (error) {
        assert.ok(error instanceof KyotsuError, `untyped ${String(error)}`);
        assert.ok(['BAD_MESSAGE', NativeHostErrorCode.UNKNOWN_REQUEST].includes(error.code), error.code);
      }
    }
    assert.ok(accepted > 0 && accepted < 3000, `some mutations stay valid, most do not (accepted ${accepted})`);
  });
});
