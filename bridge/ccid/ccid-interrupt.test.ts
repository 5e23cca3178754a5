import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CcidErrorCode } from './ccid-errors.js';
import { decodeInterrupt, encodeNotifySlotChange, slotStateBytes } from './ccid-interrupt.js';

describe('interrupt-IN messages (§6.3)', () => {
  it('encodes a one-slot insertion as 50 03 and a removal as 50 02 (§6.3.1)', () => {
    assert.deepEqual(encodeNotifySlotChange([{ present: true, changed: true }]), Uint8Array.of(0x50, 0x03));
    assert.deepEqual(encodeNotifySlotChange([{ present: false, changed: true }]), Uint8Array.of(0x50, 0x02));
  });

  it('packs two bits per slot, slot 4 in the second byte', () => {
    const slots = [
      { present: true, changed: false },
      { present: false, changed: false },
      { present: false, changed: true },
      { present: true, changed: true },
      { present: true, changed: true },
    ];
    const bytes = encodeNotifySlotChange(slots);
    assert.equal(bytes.length, 1 + slotStateBytes(4));
    assert.deepEqual(bytes, Uint8Array.of(0x50, 0b11_10_00_01, 0b11));
    const decoded = decodeInterrupt(bytes);
    assert.equal(decoded.type, 'NotifySlotChange');
    if (decoded.type === 'NotifySlotChange') assert.deepEqual(decoded.slots.slice(0, 5), slots);
  });

  it('decodes a hardware error (§6.3.2)', () => {
    assert.deepEqual(decodeInterrupt(Uint8Array.of(0x51, 0, 7, 1)), { type: 'HardwareError', slot: 0, seq: 7, code: 1 });
  });

  it('refuses empty, short and unknown messages with the typed protocol error', () => {
    for (const bytes of [new Uint8Array(0), Uint8Array.of(0x50), Uint8Array.of(0x51, 0, 0), Uint8Array.of(0x80, 0, 0)]) {
      assert.throws(() => decodeInterrupt(bytes), { code: CcidErrorCode.CCID_PROTOCOL_ERROR });
    }
  });
});
