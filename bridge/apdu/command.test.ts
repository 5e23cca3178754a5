import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../src/bytes.js';
import { CardErrorCode, isCardError } from '../../src/card-errors.js';
import { type CommandApdu, encodeCommand } from './command.js';
import { parseResponse } from './response.js';

const head = { cla: 0x00, ins: 0xcb, p1: 0x3f, p2: 0xff };
const bytes = (n: number): Uint8Array => new Uint8Array(n).fill(0xab);
const ab = (n: number): string => 'ab'.repeat(n);

describe('command APDU encoding (ISO/IEC 7816-4 §5.1)', () => {
  const table: [string, CommandApdu, boolean, string][] = [
    ['case 1', { ...head }, false, '00cb3fff'],
    ['case 1 extended is the same', { ...head }, true, '00cb3fff'],
    ['case 2S Ne=1', { ...head, ne: 1 }, false, '00cb3fff01'],
    ['case 2S Ne=256 → Le 00', { ...head, ne: 256 }, false, '00cb3fff00'],
    ['case 2E Ne=257', { ...head, ne: 257 }, true, '00cb3fff000101'],
    ['case 2E Ne=65536 → Le 000000', { ...head, ne: 65536 }, true, '00cb3fff000000'],
    ['case 3S Nc=2', { ...head, data: bytes(2) }, false, `00cb3fff02${ab(2)}`],
    ['case 3S Nc=255', { ...head, data: bytes(255) }, false, `00cb3fffff${ab(255)}`],
    ['case 3E Nc=256', { ...head, data: bytes(256) }, true, `00cb3fff000100${ab(256)}`],
    ['case 4S Nc=3 Ne=256', { ...head, data: bytes(3), ne: 256 }, false, `00cb3fff03${ab(3)}00`],
    ['case 4E Nc=300 Ne=65536', { ...head, data: bytes(300), ne: 65536 }, true, `00cb3fff00012c${ab(300)}0000`],
    ['case 4E Nc=1 Ne=1000', { ...head, data: bytes(1), ne: 1000 }, true, `00cb3fff000001ab03e8`],
    ['empty data counts as absent', { ...head, data: bytes(0), ne: 5 }, false, '00cb3fff05'],
  ];
  for (const [name, command, extended, hex] of table) {
    it(name, () => assert.equal(toHex(encodeCommand(command, extended)), hex));
  }

  const invalid: [string, CommandApdu, boolean][] = [
    ['Nc 256 in short form', { ...head, data: bytes(256) }, false],
    ['Ne 257 in short form', { ...head, ne: 257 }, false],
    ['Ne 0', { ...head, ne: 0 }, true],
    ['Ne 65537', { ...head, ne: 65537 }, true],
    ['header byte 256', { ...head, p1: 256 }, false],
  ];
  for (const [name, command, extended] of invalid) {
    it(`refuses ${name} with INVALID_ARGUMENT`, () => {
      assert.throws(() => encodeCommand(command, extended), (e) => isCardError(e, CardErrorCode.INVALID_ARGUMENT));
    });
  }
});

describe('response APDU parsing', () => {
  it('splits data and status word', () => {
    const r = parseResponse(Uint8Array.of(1, 2, 0x63, 0xc2));
    assert.deepEqual([toHex(r.data), r.sw], ['0102', 0x63c2]);
  });

  it('refuses responses without a status word and impossible lengths', () => {
    const malformed = (e: unknown): boolean => isCardError(e, CardErrorCode.APDU_MALFORMED);
    assert.throws(() => parseResponse(Uint8Array.of(0x90)), malformed);
    assert.throws(() => parseResponse(new Uint8Array(0)), malformed);
    assert.throws(() => parseResponse(new Uint8Array(65539)), malformed);
  });
});
