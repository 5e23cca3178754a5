/**
 * CCID interrupt-IN messages (USB CCID Rev 1.1 §6.3): RDR_to_PC_NotifySlotChange, which reports card
 * insertion and removal, and RDR_to_PC_HardwareError. Decoding throws only the typed protocol error.
 */
import { protocolError } from './ccid-errors.js';
import { hex } from './ccid-message.js';

/** bMessageType of interrupt messages (§6.3 Table 6.3-1). */
export const InterruptType = {
  NOTIFY_SLOT_CHANGE: 0x50, // §6.3.1
  HARDWARE_ERROR: 0x51, // §6.3.2
} as const;

/** One slot's entry in bmSlotICCState: 2 bits per slot, bit 0 = card present, bit 1 = changed (§6.3.1). */
export interface SlotChange {
  readonly present: boolean;
  readonly changed: boolean;
}

/** A decoded interrupt message. */
export type InterruptMessage =
  | { readonly type: 'NotifySlotChange'; readonly slots: readonly SlotChange[] }
  | { readonly type: 'HardwareError'; readonly slot: number; readonly seq: number; readonly code: number };

/** Size of bmSlotICCState for a reader with `bMaxSlotIndex` (§6.3.1: 2 bits per slot, rounded up to bytes). */
export function slotStateBytes(maxSlotIndex: number): number {
  return Math.ceil(((maxSlotIndex + 1) * 2) / 8);
}

/** Decodes one interrupt-IN message. */
export function decodeInterrupt(bytes: Uint8Array): InterruptMessage {
  const type = bytes[0];
  if (type === InterruptType.NOTIFY_SLOT_CHANGE) {
    if (bytes.length < 2) throw protocolError('RDR_to_PC_NotifySlotChange without bmSlotICCState');
    const slots: SlotChange[] = [];
    for (let i = 1; i < bytes.length; i++) {
      const byte = bytes[i]!;
      // §6.3.1: slot n uses bits 2n (present) and 2n+1 (changed), counted from bit 0 of the first byte.
      for (let shift = 0; shift < 8; shift += 2) {
        slots.push({ present: ((byte >>> shift) & 1) === 1, changed: ((byte >>> (shift + 1)) & 1) === 1 });
      }
    }
    return { type: 'NotifySlotChange', slots };
  }
  if (type === InterruptType.HARDWARE_ERROR) {
    // §6.3.2: bMessageType, bSlot, bSeq, bHardwareErrorCode (0x01 = overcurrent)
    if (bytes.length !== 4) throw protocolError(`RDR_to_PC_HardwareError of ${bytes.length} bytes, expected 4`);
    return { type: 'HardwareError', slot: bytes[1]!, seq: bytes[2]!, code: bytes[3]! };
  }
  if (type === undefined) throw protocolError('empty interrupt message');
  throw protocolError(`unknown interrupt message type 0x${hex(type)}`, { messageType: type });
}

/** Encodes RDR_to_PC_NotifySlotChange for the given slots (§6.3.1). */
export function encodeNotifySlotChange(slots: readonly SlotChange[]): Uint8Array {
  const out = new Uint8Array(1 + slotStateBytes(slots.length - 1));
  out[0] = InterruptType.NOTIFY_SLOT_CHANGE;
  slots.forEach((slot, n) => {
    const bits = (slot.present ? 1 : 0) | (slot.changed ? 2 : 0);
    out[1 + (n >> 2)]! |= bits << ((n & 3) * 2);
  });
  return out;
}
