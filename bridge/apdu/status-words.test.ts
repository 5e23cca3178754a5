import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PinBlockedError, PinInvalidError } from '../../src/card-errors.js';
import { errorForStatus, requireSuccess, type StatusContext } from './status-words.js';

type Row = [sw: number, context: StatusContext, code: string, details: Record<string, unknown>];

// ISO/IEC 7816-4 §5.6 / SP 800-73-4 Part 2 §3: one row per status word and context that must differ.
const table: Row[] = [
  [0x63c2, { reference: 'pin' }, 'PIN_INVALID', { retriesLeft: 2, which: 'pin' }],
  [0x63c1, {}, 'PIN_INVALID', { retriesLeft: 1 }],
  [0x63c0, { reference: 'pin' }, 'PIN_BLOCKED', { retriesLeft: 0 }],
  [0x63c2, { reference: 'puk' }, 'PUK_INVALID', { retriesLeft: 2, which: 'puk' }],
  [0x63c0, { reference: 'puk' }, 'PUK_BLOCKED', {}],
  [0x63c4, { reference: 'management' }, 'MANAGEMENT_KEY_AUTH_FAILED', { retriesLeft: 4 }],
  [0x6300, { reference: 'pin' }, 'PIN_INVALID', {}],
  [0x6983, { reference: 'pin' }, 'PIN_BLOCKED', { which: 'pin' }],
  [0x6983, { reference: 'puk' }, 'PUK_BLOCKED', { which: 'puk' }],
  [0x6983, {}, 'AUTH_METHOD_BLOCKED', {}],
  [0x6982, {}, 'SECURITY_STATUS_NOT_SATISFIED', {}],
  [0x6982, { reference: 'management' }, 'MANAGEMENT_KEY_AUTH_FAILED', {}],
  [0x6a82, { notFound: 'file' }, 'FILE_NOT_FOUND', {}],
  [0x6a82, {}, 'DATA_OBJECT_NOT_FOUND', {}],
  [0x6a88, {}, 'DATA_OBJECT_NOT_FOUND', {}],
  [0x6a80, {}, 'INCORRECT_DATA', {}],
  [0x6a86, {}, 'INCORRECT_PARAMETERS', {}],
  [0x6b00, {}, 'INCORRECT_PARAMETERS', {}],
  [0x6d00, {}, 'INS_NOT_SUPPORTED', {}],
  [0x6a81, {}, 'INS_NOT_SUPPORTED', {}],
  [0x6e00, {}, 'CLA_NOT_SUPPORTED', {}],
  [0x6884, {}, 'CLA_NOT_SUPPORTED', {}],
  [0x6700, {}, 'WRONG_LENGTH', {}],
  [0x6c10, {}, 'WRONG_LENGTH', { exactLength: 16 }],
  [0x6985, {}, 'CONDITIONS_NOT_SATISFIED', {}],
  [0x6a84, {}, 'NOT_ENOUGH_MEMORY', {}],
  [0x6f00, {}, 'CARD_ERROR', {}],
  [0x6581, {}, 'CARD_ERROR', {}],
];

describe('status word → typed error (the one mapping)', () => {
  for (const [sw, context, code, details] of table) {
    const hex = sw.toString(16);
    it(`${hex} ${JSON.stringify(context)} → ${code}`, () => {
      const error = errorForStatus(sw, context);
      assert.equal(error.code, code);
      assert.equal(error.details?.sw, hex);
      for (const [key, value] of Object.entries(details)) assert.equal(error.details?.[key], value, key);
    });
  }

  it('63Cx gives the typed PinInvalidError yubikit-style, 6983 PinBlockedError', () => {
    const invalid = errorForStatus(0x63c1, { reference: 'pin' });
    assert.ok(invalid instanceof PinInvalidError);
    assert.equal(invalid.retriesLeft, 1);
    assert.ok(errorForStatus(0x6983, { reference: 'pin' }) instanceof PinBlockedError);
  });

  it('names the command in message and details', () => {
    const error = errorForStatus(0x6a82, { command: 'GET DATA 5fc105' });
    assert.match(error.message, /^GET DATA 5fc105: Data object not found/);
    assert.equal(error.details?.command, 'GET DATA 5fc105');
  });

  it('requireSuccess passes 9000 data through and throws the mapped error otherwise', () => {
    assert.deepEqual(requireSuccess({ data: Uint8Array.of(1), sw: 0x9000 }), Uint8Array.of(1));
    assert.throws(() => requireSuccess({ data: new Uint8Array(0), sw: 0x63c2 }, { reference: 'pin' }), { code: 'PIN_INVALID' });
  });
});
