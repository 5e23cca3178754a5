import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../../src/bytes.js';
import { CcidErrorCode } from './ccid-errors.js';
import {
  decodePcToRdr,
  decodeRdrToPc,
  decodeStatus,
  encodeDataBlock,
  encodePcToRdr,
  encodeSlotStatus,
  encodeStatus,
  messageLength,
  type PcToRdrMessage,
} from './ccid-message.js';

const protocolError = { code: CcidErrorCode.CCID_PROTOCOL_ERROR };

describe('PC_to_RDR encoding (USB CCID §6.1)', () => {
  it('lays out IccPowerOn, IccPowerOff, GetSlotStatus and XfrBlock byte for byte', () => {
    assert.equal(toHex(encodePcToRdr({ type: 'IccPowerOn', slot: 0, seq: 7, powerSelect: 1 })), '62000000000007010000');
    assert.equal(toHex(encodePcToRdr({ type: 'IccPowerOff', slot: 1, seq: 8 })), '63000000000108000000');
    assert.equal(toHex(encodePcToRdr({ type: 'GetSlotStatus', slot: 0, seq: 255 })), '650000000000ff000000');
    assert.equal(
      toHex(encodePcToRdr({ type: 'XfrBlock', slot: 0, seq: 2, bwi: 0, levelParameter: 0x0103, data: fromHex('00a4040000') })),
      '6f05000000000200030100a4040000',
    );
  });

  it('round-trips every command through the reader-side decoder', () => {
    const messages: PcToRdrMessage[] = [
      { type: 'IccPowerOn', slot: 0, seq: 0, powerSelect: 0 },
      { type: 'IccPowerOn', slot: 0, seq: 1, powerSelect: 3 },
      { type: 'IccPowerOff', slot: 0, seq: 2 },
      { type: 'GetSlotStatus', slot: 0, seq: 3 },
      { type: 'XfrBlock', slot: 0, seq: 4, bwi: 0, levelParameter: 0x10, data: new Uint8Array(0) },
      { type: 'XfrBlock', slot: 0, seq: 5, bwi: 3, levelParameter: 0, data: new Uint8Array(300).fill(0xab) },
    ];
    for (const message of messages) assert.deepEqual(decodePcToRdr(encodePcToRdr(message)), message);
  });

  it('reports a length from the header once ten bytes are there', () => {
    const bytes = encodePcToRdr({ type: 'XfrBlock', slot: 0, seq: 0, bwi: 0, levelParameter: 0, data: new Uint8Array(70000) });
    assert.equal(messageLength(bytes.subarray(0, 9)), undefined);
    assert.equal(messageLength(bytes.subarray(0, 10)), 70010);
  });
});

describe('RDR_to_PC decoding (USB CCID §6.2)', () => {
  it('decodes a DataBlock with its status, error, chain parameter and data', () => {
    const message = decodeRdrToPc(fromHex('80' + '04000000' + '00' + '09' + '00' + '00' + '01' + '90009000'));
    assert.deepEqual(message, {
      type: 'DataBlock',
      slot: 0,
      seq: 9,
      iccStatus: 'active',
      commandStatus: 'ok',
      error: 0,
      chainParameter: 1,
      data: fromHex('90009000'),
    });
  });

  it('decodes a SlotStatus for an absent card', () => {
    const message = decodeRdrToPc(encodeSlotStatus(0, 3, encodeStatus('absent', 'failed'), 0xfe, 0));
    assert.equal(message.type, 'SlotStatus');
    assert.equal(message.iccStatus, 'absent');
    assert.equal(message.commandStatus, 'failed');
    assert.equal(message.error, 0xfe);
  });

  it('round-trips DataBlock and SlotStatus from the reader-side encoders', () => {
    const data = fromHex('3b8080010190');
    const block = decodeRdrToPc(encodeDataBlock(0, 200, encodeStatus('active', 'time-extension'), 2, 0x10, data));
    assert.deepEqual(block, {
      type: 'DataBlock',
      slot: 0,
      seq: 200,
      iccStatus: 'active',
      commandStatus: 'time-extension',
      error: 2,
      chainParameter: 0x10,
      data,
    });
    const status = decodeRdrToPc(encodeSlotStatus(0, 1, encodeStatus('inactive', 'ok'), 0, 3));
    assert.deepEqual(status, { type: 'SlotStatus', slot: 0, seq: 1, iccStatus: 'inactive', commandStatus: 'ok', error: 0, clockStatus: 3 });
  });

  it('decodes bStatus as Table 6.2-3 says and ignores the RFU bits 2-5', () => {
    assert.deepEqual(decodeStatus(0x00, 0), { iccStatus: 'active', commandStatus: 'ok', error: 0 });
    assert.deepEqual(decodeStatus(0x41, 5), { iccStatus: 'inactive', commandStatus: 'failed', error: 5 });
    assert.deepEqual(decodeStatus(0x82, 1), { iccStatus: 'absent', commandStatus: 'time-extension', error: 1 });
    assert.deepEqual(decodeStatus(0x3c, 0), { iccStatus: 'active', commandStatus: 'ok', error: 0 });
    assert.throws(() => decodeStatus(0x03, 0), protocolError);
    assert.throws(() => decodeStatus(0xc0, 0), protocolError);
  });

  it('refuses truncated, overlong, oversized and unknown messages with the typed protocol error', () => {
    const good = encodeDataBlock(0, 0, 0, 0, 0, fromHex('9000'));
    assert.throws(() => decodeRdrToPc(good.subarray(0, 9)), protocolError);
    assert.throws(() => decodeRdrToPc(good.subarray(0, 11)), protocolError);
    assert.throws(() => decodeRdrToPc(Uint8Array.of(...good, 0)), protocolError);
    assert.throws(() => decodeRdrToPc(good, 11), protocolError);
    assert.throws(() => decodeRdrToPc(fromHex('50000000000000000000')), protocolError);
    // A SlotStatus carries no data.
    assert.throws(() => decodeRdrToPc(fromHex('8101000000000000000000')), protocolError);
  });

  it('decodes the other reply types without failing', () => {
    const message = decodeRdrToPc(fromHex('82010000000004000001' + '11'));
    assert.equal(message.type, 'Other');
  });
});
