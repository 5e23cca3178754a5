/**
 * Seeded fuzz of the reader-to-host parsers: mutated RDR_to_PC bulk messages and interrupt messages must
 * decode or end in the typed protocol error, never crash; the status mapping never throws; and through the
 * whole driver, corrupted replies end in typed errors, never a hang.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KyotsuError } from '../../src/errors.js';
import { CcidErrorCode } from './ccid-errors.js';
import { decodeInterrupt, encodeNotifySlotChange } from './ccid-interrupt.js';
import { CCID_HEADER_LENGTH, decodeRdrToPc, encodeDataBlock, encodeSlotStatus, encodeStatus } from './ccid-message.js';
import { CcidReader } from './ccid-reader.js';
import { replyError } from './ccid-status.js';
import { SimulatedCcidReader } from './simulated-reader.js';
import { CannedCard } from './canned-card.js';

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(input: Uint8Array, random: () => number): Uint8Array {
  const int = (n: number): number => Math.floor(random() * n);
  let bytes = input.slice();
  const rounds = 1 + int(4);
  for (let r = 0; r < rounds; r++) {
    switch (int(7)) {
      case 0: // flip a bit
        if (bytes.length > 0) bytes[int(bytes.length)]! ^= 1 << int(8);
        break;
      case 1: // replace a byte
        if (bytes.length > 0) bytes[int(bytes.length)] = int(256);
        break;
      case 2: // truncate
        bytes = bytes.slice(0, int(bytes.length + 1));
        break;
      case 3: // append garbage
        bytes = Uint8Array.of(...bytes, ...Array.from({ length: 1 + int(20) }, () => int(256)));
        break;
      case 4: // corrupt dwLength
        if (bytes.length >= 5) bytes[1 + int(4)] = int(256);
        break;
      case 5: // corrupt the message type
        if (bytes.length > 0) bytes[0] = [0x80, 0x81, 0x82, 0x83, 0x84, 0x50, 0x51, int(256)][int(8)]!;
        break;
      default: // delete a byte
        if (bytes.length > 0) {
          const at = int(bytes.length);
          bytes = Uint8Array.of(...bytes.subarray(0, at), ...bytes.subarray(at + 1));
        }
    }
  }
  return bytes;
}

function assertTyped(error: unknown): void {
  assert.ok(error instanceof KyotsuError, `not a typed error: ${String(error)}`);
  assert.equal(error.code, CcidErrorCode.CCID_PROTOCOL_ERROR);
}

const BULK_SEEDS = [
  encodeDataBlock(0, 1, encodeStatus('active', 'ok'), 0, 0, Uint8Array.of(0x90, 0x00)),
  encodeDataBlock(0, 2, encodeStatus('active', 'ok'), 0, 1, new Uint8Array(261).fill(0x5a)),
  encodeDataBlock(0, 3, encodeStatus('active', 'time-extension'), 1, 0, new Uint8Array(0)),
  encodeDataBlock(0, 4, encodeStatus('absent', 'failed'), 0xfe, 0, new Uint8Array(0)),
  encodeSlotStatus(0, 5, encodeStatus('inactive', 'ok'), 0, 3),
  encodeDataBlock(0, 6, encodeStatus('active', 'ok'), 0, 0, Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01)),
];

describe('fuzz: CCID reader messages', () => {
  it('decodes or rejects with CCID_PROTOCOL_ERROR 12,000 mutated RDR_to_PC messages, and maps every decoded status', () => {
    const random = prng(0xcc1d);
    let decoded = 0;
    for (let i = 0; i < 12_000; i++) {
      const bytes = mutate(BULK_SEEDS[i % BULK_SEEDS.length]!, random);
      let message;
      try {
        message = decodeRdrToPc(bytes, 271);
      } catch (error) {
        assertTyped(error);
        continue;
      }
      decoded++;
      assert.ok(bytes.length <= 271 && bytes.length >= CCID_HEADER_LENGTH);
      if (message.type !== 'SlotStatus') assert.equal(message.data.length, bytes.length - CCID_HEADER_LENGTH);
      for (const kind of ['power-on', 'power-off', 'slot-status', 'transfer'] as const) {
        const error = replyError(message, kind, 'Fuzz Reader');
        assert.ok(error === undefined || error instanceof KyotsuError);
      }
    }
    assert.ok(decoded > 1000, `the mutations also produce valid messages (${decoded})`);
  });

  it('decodes or rejects with CCID_PROTOCOL_ERROR 10,000 mutated interrupt messages', () => {
    const random = prng(0x50);
    const seeds = [
      encodeNotifySlotChange([{ present: true, changed: true }]),
      encodeNotifySlotChange([{ present: false, changed: true }, { present: true, changed: false }, { present: true, changed: true }]),
      Uint8Array.of(0x51, 0, 3, 1),
    ];
    for (let i = 0; i < 10_000; i++) {
      const bytes = mutate(seeds[i % seeds.length]!, random);
      try {
        const message = decodeInterrupt(bytes);
        if (message.type === 'NotifySlotChange') assert.equal(message.slots.length, (bytes.length - 1) * 4);
      } catch (error) {
        assertTyped(error);
      }
    }
  });

  it('ends every corrupted reply seen by the driver in a typed error or a good answer, never a hang', async () => {
    const random = prng(0xd21e);
    const card = new CannedCard();
    const device = new SimulatedCcidReader({ card });
    const open = async (): Promise<{ reader: CcidReader; transmit: (apdu: Uint8Array) => Promise<Uint8Array> }> => {
      if (!card.powered && !device.cardPresent) device.insertCard(card);
      const reader = await CcidReader.open(device, { transferTimeoutMs: 100 });
      const connection = await reader.connect();
      return { reader, transmit: (apdu) => connection.transmit(apdu) };
    };
    let rig = await open();
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 150; i++) {
      const echo = Uint8Array.of(0x00, 0xee, 0x00, 0x00, 2, i & 0xff, 0x42);
      device.corruptNextReply((message) => mutate(message, random));
      let outcome: string;
      try {
        const response = await rig.transmit(echo);
        outcome = 'answer';
        assert.ok(response.length >= 2);
      } catch (error) {
        assert.ok(error instanceof KyotsuError, `not a typed error: ${String(error)}`);
        outcome = error.code;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (outcome !== 'answer') {
        // Start over after any failure: the card may have been reported removed, or the reader closed.
        await rig.reader.close();
        rig = await open();
      }
    }
    await rig.reader.close();
    assert.ok((outcomes.get(CcidErrorCode.CCID_PROTOCOL_ERROR) ?? 0) > 0, JSON.stringify([...outcomes]));
  });
});
